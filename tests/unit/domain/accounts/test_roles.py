"""The role table: every command has a permission, admin may do everything, and the roles
that API keys had before keep their meaning."""

from __future__ import annotations

import pytest

from laddnet.domain.accounts.roles import (
    COMMAND_PERMISSIONS,
    ROLE_PERMISSIONS,
    Permission,
    Role,
    allows,
    parse_role,
)
from laddnet.domain.commands.model import CommandName

# Personal data, the audit log, security events and the ledger are not for viewers.
READS = {p for p in Permission if p.value.endswith(":read")} - {
    Permission.AUDIT_READ,
    Permission.DRIVERS_READ,
    Permission.SECURITY_READ,
    Permission.LEDGER_READ,
}
FINANCE_ONLY = {Permission.PRICING_MANAGE, Permission.LEDGER_READ}
ADMIN_ONLY = {
    Permission.USERS_MANAGE,
    Permission.API_KEYS_MANAGE,
    Permission.AUDIT_READ,
    Permission.DRIVERS_EXPORT,
    Permission.KEYS_ROTATE,
}


def test_every_role_has_a_row_and_every_command_a_permission() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert set(COMMAND_PERMISSIONS) == set(CommandName)


def test_admin_may_do_everything_but_act_as_a_driver() -> None:
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission) - {Permission.DRIVER_SELF}


def test_no_operator_role_holds_a_drivers_own_permission() -> None:
    assert not [r for r in Role if Permission.DRIVER_SELF in ROLE_PERMISSIONS[r]]


def test_viewer_reads_everything_operational_and_changes_nothing() -> None:
    assert ROLE_PERMISSIONS[Role.VIEWER] == frozenset(READS | {Permission.SELF})


def test_operator_changes_everything_operational_but_no_accounts_keys_or_audit() -> None:
    granted = ROLE_PERMISSIONS[Role.OPERATOR]
    assert granted == frozenset(Permission) - ADMIN_ONLY - FINANCE_ONLY - {Permission.DRIVER_SELF}


def test_only_finance_and_admins_change_prices_and_read_the_ledger() -> None:
    for role in Role:
        for permission in FINANCE_ONLY:
            assert allows(role, permission) == (role in (Role.ADMIN, Role.FINANCE))


def test_only_admins_manage_accounts_keys_and_read_the_audit_log() -> None:
    for role in Role:
        for permission in ADMIN_ONLY:
            assert allows(role, permission) == (role is Role.ADMIN)


def test_support_sends_customer_commands_only_and_finance_none() -> None:
    assert allows(Role.SUPPORT, Permission.COMMANDS_CUSTOMER)
    assert not allows(Role.SUPPORT, Permission.COMMANDS_MAINTENANCE)
    assert not any(allows(Role.FINANCE, p) for p in Permission if p.value.startswith("commands"))
    assert allows(Role.TECHNICIAN, Permission.COMMANDS_MAINTENANCE)
    assert not allows(Role.TECHNICIAN, Permission.STATIONS_MANAGE)


def test_parse_role_names_the_roles() -> None:
    assert parse_role("finance") is Role.FINANCE
    with pytest.raises(ValueError, match="admin, operator, technician, finance, support, viewer"):
        parse_role("root")
