"""`laddnet driver token add|list|remove` as an operator runs them: the token is listed in
clear for the operator and found nowhere in the database file."""

from __future__ import annotations

from tests.e2e.conftest import Laddnet, one_line_error

CARD = "04A1B2C3D4E5F6"


def test_driver_token_add_list_remove(laddnet: Laddnet) -> None:
    driver_id = laddnet.ok("driver", "add", "Bo Ek").split()[1]
    added = laddnet.ok("driver", "token", "add", driver_id, CARD)
    token_id = added.split()[1]
    assert added.strip() == f"token {token_id} added to driver {driver_id}"
    listed = laddnet.ok("driver", "token", "list", driver_id)
    assert CARD in listed and token_id in listed and listed.strip().endswith("1 tokens")
    raw = b"".join(p.read_bytes() for p in laddnet.workdir.glob("x.db*"))
    assert raw and CARD.encode() not in raw
    again = laddnet.run("driver", "token", "add", driver_id, CARD)
    assert again.returncode != 0 and "registered already" in one_line_error(again.stderr)
    assert "removed" in laddnet.ok("driver", "token", "remove", driver_id, token_id)
    assert laddnet.ok("driver", "token", "list", driver_id).strip().endswith("0 tokens")


def test_driver_login_prints_a_setup_token_and_refuses_a_weak_password(laddnet: Laddnet) -> None:
    driver_id = laddnet.ok("driver", "add", "Bo Ek", "--email", "bo@example.se").split()[1]
    out = laddnet.ok("driver", "login", driver_id)
    token = out.strip().splitlines()[-1]
    assert "/api/v1/driver-auth/setup" in out and len(token) >= 40 and " " not in token
    weak = laddnet.run("driver", "login", driver_id, "--password")  # stdin: an empty line
    assert weak.returncode != 0 and "password" in one_line_error(weak.stderr).lower()
    no_email = laddnet.ok("driver", "add", "Eva").split()[1]
    refused = laddnet.run("driver", "login", no_email)
    assert refused.returncode != 0 and "e-mail" in one_line_error(refused.stderr)


def test_keys_rotate_index_recomputes_the_indexes(laddnet: Laddnet) -> None:
    driver_id = laddnet.ok("driver", "add", "Bo Ek", "--email", "bo@example.se").split()[1]
    token_id = laddnet.ok("driver", "token", "add", driver_id, CARD).split()[1]
    out = laddnet.ok("keys", "rotate", "--index")
    assert out.startswith("index key index-2 now indexes; 1 drivers and 1 id tokens")
    listed = laddnet.ok("driver", "token", "list", driver_id)
    assert CARD in listed and token_id not in listed  # the same token under a new key
    again = laddnet.run("driver", "add", "Copy", "--email", "bo@example.se")
    assert again.returncode != 0 and "exists already" in one_line_error(again.stderr)
