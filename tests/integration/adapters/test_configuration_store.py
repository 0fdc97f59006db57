"""The configuration store's batched upserts, on SQLite and PostgreSQL: a report describes
items (mutability, characteristics), a value alone keeps that description, a new description
replaces it, and a key given twice in one save keeps the last."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from laddnet.bootstrap import Container
from laddnet.domain.operations.model import ConfigurationItem
from laddnet.ports import UnitOfWork

T0 = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
LIMITS = {"dataType": "integer", "minLimit": 0, "maxLimit": 3600}


def _item(
    variable: str,
    value: str | None,
    mutability: str | None = None,
    characteristics: dict[str, object] | None = None,
) -> ConfigurationItem:
    return ConfigurationItem(
        variable=variable,
        value=value,
        component="OCPPCommCtrlr",
        mutability=mutability,
        characteristics=characteristics,
    )


async def _saved(container: Container, items: list[ConfigurationItem], at: datetime) -> None:
    await container.database.write(lambda uow: uow.configuration.save("CP-1", items, at))


async def _items(container: Container) -> dict[str, ConfigurationItem]:
    def read(uow: UnitOfWork) -> dict[str, ConfigurationItem]:
        return {i.variable: i for i in uow.configuration.items("CP-1")}

    return await container.database.read(read)


async def test_a_value_alone_keeps_what_the_report_described(container: Container) -> None:
    await _saved(
        container,
        [
            _item("HeartbeatInterval", "300", mutability="ReadWrite", characteristics=LIMITS),
            _item("RetryBackOffWaitMinimum", "10", mutability="ReadOnly", characteristics=LIMITS),
        ],
        T0,
    )
    later = T0 + timedelta(minutes=5)
    await _saved(
        container,
        [
            _item("HeartbeatInterval", "60"),  # a value alone (SetVariables, GetVariables)
            _item("RetryBackOffWaitMinimum", "20", mutability="ReadWrite"),
            _item("MessageTimeout", "30"),  # never described
        ],
        later,
    )
    found = await _items(container)
    heartbeat = found["HeartbeatInterval"]
    assert (heartbeat.value, heartbeat.mutability) == ("60", "ReadWrite")
    assert heartbeat.characteristics == LIMITS
    assert heartbeat.reported_at == later
    retry = found["RetryBackOffWaitMinimum"]
    assert (retry.value, retry.mutability, retry.characteristics) == ("20", "ReadWrite", LIMITS)
    timeout = found["MessageTimeout"]
    assert (timeout.value, timeout.mutability, timeout.characteristics) == ("30", None, None)


async def test_a_new_description_replaces_the_old_and_the_last_of_twins_counts(
    container: Container,
) -> None:
    await _saved(
        container,
        [_item("HeartbeatInterval", "300", mutability="ReadWrite", characteristics=LIMITS)],
        T0,
    )
    narrower = {"dataType": "integer", "minLimit": 30, "maxLimit": 600}
    await _saved(
        container,
        [
            _item("HeartbeatInterval", "120", characteristics=narrower),  # mutability not said
            _item("MessageTimeout", "10"),
            _item("MessageTimeout", "20"),  # the same key twice in one report
        ],
        T0 + timedelta(minutes=1),
    )
    found = await _items(container)
    heartbeat = found["HeartbeatInterval"]
    assert (heartbeat.value, heartbeat.mutability) == ("120", "ReadWrite")
    assert heartbeat.characteristics == narrower
    assert found["MessageTimeout"].value == "20"
    assert len(found) == 2
