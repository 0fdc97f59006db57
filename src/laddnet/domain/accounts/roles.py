"""The one table of what each role may do. The API checks it on every route
(`laddnet.api.permissions`), `docs/security.md` prints it, and a test is generated from it."""

from __future__ import annotations

from enum import StrEnum

from laddnet.domain.commands.model import CommandName


class Role(StrEnum):
    """Roles of operator accounts and API keys (admin, operator and viewer as API keys had)."""

    ADMIN = "admin"
    OPERATOR = "operator"
    TECHNICIAN = "technician"
    FINANCE = "finance"
    SUPPORT = "support"
    VIEWER = "viewer"


class Permission(StrEnum):
    STATIONS_READ = "stations:read"  # stations, their history, configuration, logs, commands
    STATIONS_MANAGE = "stations:manage"  # register, change (password too), decommission
    COMMANDS_MAINTENANCE = "commands:maintenance"  # reset, firmware, configuration, logs, ...
    COMMANDS_CUSTOMER = "commands:customer"  # remote start/stop, unlock, reservations
    COMMANDS_BULK = "commands:bulk"  # one command to many stations
    SESSIONS_READ = "sessions:read"
    SITES_READ = "sites:read"
    SITES_MANAGE = "sites:manage"
    EVENTS_READ = "events:read"  # the live event stream
    WEBHOOKS_READ = "webhooks:read"
    WEBHOOKS_MANAGE = "webhooks:manage"
    USERS_MANAGE = "users:manage"  # accounts, roles, scopes, anyone's login sessions
    API_KEYS_MANAGE = "api-keys:manage"
    AUDIT_READ = "audit:read"
    SELF = "self"  # one's own account: password, two-factor, login sessions
    DRIVERS_READ = "drivers:read"  # drivers' personal data
    DRIVERS_MANAGE = "drivers:manage"  # add, change, erase drivers
    DRIVERS_EXPORT = "drivers:export"  # a driver's data as JSON (GDPR)
    KEYS_ROTATE = "keys:rotate"  # a new data key for personal data
    SECURITY_READ = "security:read"  # security events (peer addresses, ids tried)
    PRICING_READ = "pricing:read"  # tariffs, where they apply, previews, CDRs
    PRICING_MANAGE = "pricing:manage"  # tariffs; review decisions on flagged sessions
    LEDGER_READ = "ledger:read"  # the ledger and revenue reports
    MAINTENANCE_READ = "maintenance:read"  # alerts, rules, health, tickets, uptime reports
    MAINTENANCE_MANAGE = "maintenance:manage"  # maintenance mode, tickets
    ALERTS_CONFIGURE = "alerts:configure"  # alert rules, uptime exclusions, e-mail recipients
    STATIONS_SECURITY = "stations:security"  # install, delete and issue station certificates
    DRIVER_SELF = "driver:self"  # a driver's own data, through the driver's own login only


P = Permission
_READ = frozenset(
    {P.STATIONS_READ, P.SESSIONS_READ, P.SITES_READ, P.EVENTS_READ, P.WEBHOOKS_READ, P.SELF}
    | {P.PRICING_READ, P.MAINTENANCE_READ}
)
_COMMANDS = frozenset({P.COMMANDS_MAINTENANCE, P.COMMANDS_CUSTOMER})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission) - {P.DRIVER_SELF},  # drivers' own: drivers only
    Role.OPERATOR: _READ
    | _COMMANDS
    | {P.COMMANDS_BULK, P.STATIONS_MANAGE, P.SITES_MANAGE, P.WEBHOOKS_MANAGE}
    | {P.DRIVERS_READ, P.DRIVERS_MANAGE}
    | {P.SECURITY_READ, P.MAINTENANCE_MANAGE, P.ALERTS_CONFIGURE, P.STATIONS_SECURITY},
    Role.TECHNICIAN: _READ - {P.WEBHOOKS_READ} | _COMMANDS | {P.MAINTENANCE_MANAGE},
    Role.FINANCE: frozenset(
        {P.STATIONS_READ, P.SESSIONS_READ, P.SITES_READ, P.SELF, P.DRIVERS_READ}
        | {P.PRICING_READ, P.PRICING_MANAGE, P.LEDGER_READ}
    ),
    Role.SUPPORT: _READ - {P.WEBHOOKS_READ}
    | {P.COMMANDS_CUSTOMER, P.DRIVERS_READ, P.DRIVERS_MANAGE},
    Role.VIEWER: _READ,
}

# Which permission sending each command needs: the ones a support desk uses for a driver at
# a station, and the ones that change how a station works.
COMMAND_PERMISSIONS: dict[CommandName, Permission] = {
    CommandName.RESET: P.COMMANDS_MAINTENANCE,
    CommandName.UNLOCK_CONNECTOR: P.COMMANDS_CUSTOMER,
    CommandName.CHANGE_AVAILABILITY: P.COMMANDS_MAINTENANCE,
    CommandName.REMOTE_START: P.COMMANDS_CUSTOMER,
    CommandName.REMOTE_STOP: P.COMMANDS_CUSTOMER,
    CommandName.TRIGGER_MESSAGE: P.COMMANDS_MAINTENANCE,
    CommandName.CLEAR_CACHE: P.COMMANDS_MAINTENANCE,
    CommandName.GET_CONFIGURATION: P.COMMANDS_MAINTENANCE,
    CommandName.SET_CONFIGURATION: P.COMMANDS_MAINTENANCE,
    CommandName.UPDATE_FIRMWARE: P.COMMANDS_MAINTENANCE,
    CommandName.GET_LOG: P.COMMANDS_MAINTENANCE,
    CommandName.SEND_LOCAL_LIST: P.COMMANDS_MAINTENANCE,
    CommandName.CUSTOMER_INFORMATION: P.DRIVERS_MANAGE,  # personal data: report and/or clear
    CommandName.RESERVE_NOW: P.COMMANDS_CUSTOMER,
    CommandName.CANCEL_RESERVATION: P.COMMANDS_CUSTOMER,
    CommandName.DATA_TRANSFER: P.COMMANDS_MAINTENANCE,
    CommandName.GET_INSTALLED_CERTIFICATE_IDS: P.COMMANDS_MAINTENANCE,
    CommandName.GET_TRANSACTION_STATUS: P.COMMANDS_MAINTENANCE,
    CommandName.GET_LOCAL_LIST_VERSION: P.COMMANDS_MAINTENANCE,
    CommandName.INSTALL_CERTIFICATE: P.STATIONS_SECURITY,
    CommandName.DELETE_CERTIFICATE: P.STATIONS_SECURITY,
    CommandName.CERTIFICATE_SIGNED: P.STATIONS_SECURITY,
    CommandName.ROTATE_PASSWORD: P.STATIONS_SECURITY,
    CommandName.SET_SECURITY_PROFILE: P.STATIONS_SECURITY,
    CommandName.SET_NETWORK_PROFILE: P.STATIONS_SECURITY,
    CommandName.RENEW_CERTIFICATE: P.STATIONS_SECURITY,
}


PERMISSION_DOCS: dict[Permission, str] = {
    P.STATIONS_READ: "see stations, their status history, configuration, firmware, logs,"
    " reservations and command log",
    P.STATIONS_MANAGE: "register, change (password too) and decommission stations",
    P.COMMANDS_MAINTENANCE: "reset, change-availability, trigger-message, clear-cache,"
    " get/set-configuration, data-transfer, update-firmware, get-log, send-local-list,"
    " get-local-list-version, get-transaction-status, get-installed-certificate-ids",
    P.COMMANDS_CUSTOMER: "remote-start, remote-stop, unlock-connector, reserve-now,"
    " cancel-reservation",
    P.COMMANDS_BULK: "one command to many stations (`POST /api/v1/commands`; step-up)",
    P.SESSIONS_READ: "see charging sessions and their meter values",
    P.SITES_READ: "see sites",
    P.SITES_MANAGE: "create, change and delete sites",
    P.EVENTS_READ: "the live event stream",
    P.WEBHOOKS_READ: "see webhook subscriptions and deliveries",
    P.WEBHOOKS_MANAGE: "subscribe and unsubscribe webhooks",
    P.USERS_MANAGE: "accounts, roles, site scopes (step-up), anyone's login sessions",
    P.API_KEYS_MANAGE: "create (step-up), list and revoke API keys",
    P.AUDIT_READ: "read and export the audit log",
    P.SELF: "one's own account: password, two-factor, login sessions",
    P.DRIVERS_READ: "see drivers' personal data (stored encrypted) and the customer information"
    " reports of stations",
    P.DRIVERS_MANAGE: "add, change and erase drivers (GDPR erasure); have a station report or"
    " clear a customer's data (customer-information)",
    P.DRIVERS_EXPORT: "export a driver's data as JSON (GDPR; step-up)",
    P.KEYS_ROTATE: "rotate the data key of personal data (step-up)",
    P.SECURITY_READ: "see security events (refused logins, stray answers, implausible data)",
    P.PRICING_READ: "see tariffs, where they apply, previews and charge detail records",
    P.PRICING_MANAGE: "create, version and assign tariffs; approve or void flagged sessions",
    P.LEDGER_READ: "see the ledger, its check and revenue reports",
    P.MAINTENANCE_READ: "see alerts, alert rules, health scores, tickets, uptime and repair"
    " reports, uptime exclusions and notification recipients",
    P.MAINTENANCE_MANAGE: "switch maintenance mode, open and move tickets",
    P.ALERTS_CONFIGURE: "change alert rules, mark outages as excluded, set e-mail recipients",
    P.STATIONS_SECURITY: "install-certificate, delete-certificate and certificate-signed"
    " commands (CA certificates on stations, station certificates); password rotation and"
    " security profile upgrades over OCPP; marking firmware versions vulnerable",
    P.DRIVER_SELF: "a driver's own data, tokens, sessions, CDRs, export, password and TOTP"
    " (`/api/v1/driver/...`): only a driver's own login session, never an operator's or a key",
}


def role_table_markdown() -> str:
    """The role table as docs/security.md prints it (a test keeps the two the same)."""
    head = "| permission | what it allows | " + " | ".join(r.value for r in Role) + " |"
    rule = "|---|---|" + "---|" * len(Role)
    rows = [
        f"| `{p.value}` | {PERMISSION_DOCS[p]} | "
        + " | ".join("✓" if allows(r, p) else "" for r in Role)
        + " |"
        for p in Permission
    ]
    return "\n".join([head, rule, *rows])


def allows(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def parse_role(value: str) -> Role:
    """The role named `value`; ValueError naming the roles otherwise."""
    try:
        return Role(value)
    except ValueError:
        raise ValueError(f"unknown role {value!r}; one of {', '.join(Role)}") from None
