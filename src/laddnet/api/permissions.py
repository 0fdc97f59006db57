"""Which permission each route needs, in one table keyed by method and path. The
authentication dependency looks the route up on every /api/v1 request; a test checks that
every route is listed and, for each role, that it is let through or refused as the role table
(`laddnet.domain.accounts.roles`) says.

A route missing from the table falls back to what API keys had before roles existed: reading
for every role, writing for admin and operator; the completeness test flags it.
"""

from __future__ import annotations

from dataclasses import dataclass

from laddnet.domain.accounts.model import Principal
from laddnet.domain.accounts.roles import COMMAND_PERMISSIONS, Permission, Role
from laddnet.domain.commands.model import INTERNAL_COMMANDS
from laddnet.domain.errors import NotAuthorized, StepUpRequired

P = Permission
V1 = "/api/v1"


@dataclass(frozen=True, slots=True)
class Rule:
    permission: Permission
    step_up: bool = False  # needs a second factor within the last 5 minutes (login sessions)
    before_mfa: bool = False  # open to an account that has not enrolled two-factor yet


_STATION = f"{V1}/stations/{{station_id}}"
_ME = f"{V1}/me"

ROUTES: dict[tuple[str, str], Rule] = {
    ("GET", f"{V1}/stations"): Rule(P.STATIONS_READ),
    ("POST", f"{V1}/stations"): Rule(P.STATIONS_MANAGE),
    ("GET", _STATION): Rule(P.STATIONS_READ),
    ("PATCH", _STATION): Rule(P.STATIONS_MANAGE),
    ("DELETE", _STATION): Rule(P.STATIONS_MANAGE),
    ("GET", f"{_STATION}/status-history"): Rule(P.STATIONS_READ),
    ("GET", f"{_STATION}/commands"): Rule(P.STATIONS_READ),
    ("POST", f"{_STATION}/commands/{{name}}"): Rule(P.COMMANDS_CUSTOMER),  # unknown names: 404
    ("GET", f"{_STATION}/configuration"): Rule(P.STATIONS_READ),
    ("GET", f"{_STATION}/firmware"): Rule(P.STATIONS_READ),
    ("GET", f"{_STATION}/logs"): Rule(P.STATIONS_READ),
    ("GET", f"{_STATION}/logs/{{log_id}}/file"): Rule(P.STATIONS_READ),
    ("GET", f"{_STATION}/reservations"): Rule(P.STATIONS_READ),
    ("GET", f"{_STATION}/certificates"): Rule(P.STATIONS_READ),
    ("POST", f"{_STATION}/certificates/{{serial}}/revoke"): Rule(P.STATIONS_SECURITY),
    ("GET", f"{_STATION}/customer-information/{{command_id}}"): Rule(P.DRIVERS_READ),
    ("POST", f"{_STATION}/password-rotation"): Rule(P.STATIONS_SECURITY),
    ("POST", f"{_STATION}/security-profile-upgrade"): Rule(P.STATIONS_SECURITY),
    ("POST", f"{V1}/password-rotations"): Rule(P.STATIONS_SECURITY, step_up=True),
    ("GET", f"{V1}/password-rotations"): Rule(P.SECURITY_READ),
    ("POST", f"{V1}/commands"): Rule(P.COMMANDS_BULK, step_up=True),
    ("GET", f"{V1}/sessions"): Rule(P.SESSIONS_READ),
    ("GET", f"{V1}/sessions/{{session_id}}"): Rule(P.SESSIONS_READ),
    ("GET", f"{V1}/sessions/{{session_id}}/meter-values"): Rule(P.SESSIONS_READ),
    ("GET", f"{V1}/sites"): Rule(P.SITES_READ),
    ("POST", f"{V1}/sites"): Rule(P.SITES_MANAGE),
    ("GET", f"{V1}/sites/{{site_id}}"): Rule(P.SITES_READ),
    ("PATCH", f"{V1}/sites/{{site_id}}"): Rule(P.SITES_MANAGE),
    ("DELETE", f"{V1}/sites/{{site_id}}"): Rule(P.SITES_MANAGE),
    ("GET", f"{V1}/events"): Rule(P.EVENTS_READ),
    ("GET", f"{V1}/webhooks"): Rule(P.WEBHOOKS_READ),
    ("POST", f"{V1}/webhooks"): Rule(P.WEBHOOKS_MANAGE),
    ("GET", f"{V1}/webhooks/{{webhook_id}}"): Rule(P.WEBHOOKS_READ),
    ("DELETE", f"{V1}/webhooks/{{webhook_id}}"): Rule(P.WEBHOOKS_MANAGE),
    ("GET", f"{V1}/webhooks/{{webhook_id}}/deliveries"): Rule(P.WEBHOOKS_READ),
    # one's own account
    ("GET", _ME): Rule(P.SELF, before_mfa=True),
    ("POST", f"{_ME}/password"): Rule(P.SELF),
    ("GET", f"{_ME}/sessions"): Rule(P.SELF),
    ("DELETE", f"{_ME}/sessions/{{session_id}}"): Rule(P.SELF),
    ("POST", f"{_ME}/mfa/totp"): Rule(P.SELF, before_mfa=True),
    ("POST", f"{_ME}/mfa/totp/confirm"): Rule(P.SELF, before_mfa=True),
    ("POST", f"{_ME}/mfa/verify"): Rule(P.SELF),
    ("DELETE", f"{_ME}/mfa/totp"): Rule(P.SELF, step_up=True),
    ("POST", f"{V1}/auth/logout"): Rule(P.SELF, before_mfa=True),
    # a driver's own (their login session only; see laddnet.api.driver_session)
    ("POST", f"{V1}/driver/logout"): Rule(P.DRIVER_SELF),
    ("GET", f"{V1}/driver/me"): Rule(P.DRIVER_SELF),
    ("PATCH", f"{V1}/driver/me"): Rule(P.DRIVER_SELF),
    ("GET", f"{V1}/driver/me/tokens"): Rule(P.DRIVER_SELF),
    ("GET", f"{V1}/driver/me/sessions"): Rule(P.DRIVER_SELF),
    ("GET", f"{V1}/driver/me/sessions/{{session_id}}"): Rule(P.DRIVER_SELF),
    ("GET", f"{V1}/driver/me/cdrs"): Rule(P.DRIVER_SELF),
    ("GET", f"{V1}/driver/me/export"): Rule(P.DRIVER_SELF),
    ("POST", f"{V1}/driver/me/password"): Rule(P.DRIVER_SELF),
    ("GET", f"{V1}/driver/me/logins"): Rule(P.DRIVER_SELF),
    ("DELETE", f"{V1}/driver/me/logins/{{login_id}}"): Rule(P.DRIVER_SELF),
    ("POST", f"{V1}/driver/me/mfa/totp"): Rule(P.DRIVER_SELF),
    ("POST", f"{V1}/driver/me/mfa/totp/confirm"): Rule(P.DRIVER_SELF),
    ("POST", f"{V1}/driver/me/mfa/totp/disable"): Rule(P.DRIVER_SELF),
    # administration
    ("GET", f"{V1}/users"): Rule(P.USERS_MANAGE),
    ("POST", f"{V1}/users"): Rule(P.USERS_MANAGE, step_up=True),
    ("GET", f"{V1}/users/{{user_id}}"): Rule(P.USERS_MANAGE),
    ("PATCH", f"{V1}/users/{{user_id}}"): Rule(P.USERS_MANAGE, step_up=True),
    ("POST", f"{V1}/users/{{user_id}}/disable"): Rule(P.USERS_MANAGE),
    ("GET", f"{V1}/login-sessions"): Rule(P.USERS_MANAGE),
    ("DELETE", f"{V1}/login-sessions/{{session_id}}"): Rule(P.USERS_MANAGE),
    ("GET", f"{V1}/api-keys"): Rule(P.API_KEYS_MANAGE),
    ("POST", f"{V1}/api-keys"): Rule(P.API_KEYS_MANAGE, step_up=True),
    ("DELETE", f"{V1}/api-keys/{{key_id}}"): Rule(P.API_KEYS_MANAGE),
    ("GET", f"{V1}/drivers"): Rule(P.DRIVERS_READ),
    ("POST", f"{V1}/drivers"): Rule(P.DRIVERS_MANAGE),
    ("GET", f"{V1}/drivers/{{driver_id}}"): Rule(P.DRIVERS_READ),
    ("PATCH", f"{V1}/drivers/{{driver_id}}"): Rule(P.DRIVERS_MANAGE),
    ("DELETE", f"{V1}/drivers/{{driver_id}}"): Rule(P.DRIVERS_MANAGE),
    ("GET", f"{V1}/drivers/{{driver_id}}/export"): Rule(P.DRIVERS_EXPORT, step_up=True),
    ("GET", f"{V1}/drivers/{{driver_id}}/tokens"): Rule(P.DRIVERS_READ),
    ("POST", f"{V1}/drivers/{{driver_id}}/tokens"): Rule(P.DRIVERS_MANAGE),
    ("DELETE", f"{V1}/drivers/{{driver_id}}/tokens/{{token_id}}"): Rule(P.DRIVERS_MANAGE),
    ("POST", f"{V1}/drivers/{{driver_id}}/login-setup"): Rule(P.DRIVERS_MANAGE),
    ("POST", f"{V1}/drivers/{{driver_id}}/password"): Rule(P.DRIVERS_MANAGE, step_up=True),
    ("POST", f"{V1}/keys/rotate"): Rule(P.KEYS_ROTATE, step_up=True),
    ("POST", f"{V1}/keys/rotate-index"): Rule(P.KEYS_ROTATE, step_up=True),
    ("GET", f"{V1}/audit"): Rule(P.AUDIT_READ),
    ("GET", f"{V1}/audit.csv"): Rule(P.AUDIT_READ),
    ("GET", f"{V1}/security-events"): Rule(P.SECURITY_READ),
    ("GET", f"{V1}/sites/{{site_id}}/allowed-networks"): Rule(P.SITES_READ),
    ("PUT", f"{V1}/sites/{{site_id}}/allowed-networks"): Rule(P.SITES_MANAGE),
    ("GET", f"{_STATION}/networks"): Rule(P.SECURITY_READ),
    ("GET", f"{V1}/firmware"): Rule(P.STATIONS_READ),
    ("GET", f"{V1}/firmware/vulnerable"): Rule(P.STATIONS_READ),
    ("GET", f"{V1}/firmware/vulnerable-versions"): Rule(P.STATIONS_READ),
    ("POST", f"{V1}/firmware/vulnerable-versions"): Rule(P.STATIONS_SECURITY),
    ("DELETE", f"{V1}/firmware/vulnerable-versions/{{vulnerability_id}}"): Rule(
        P.STATIONS_SECURITY
    ),
    # pricing and money
    ("GET", f"{V1}/tariffs"): Rule(P.PRICING_READ),
    ("POST", f"{V1}/tariffs"): Rule(P.PRICING_MANAGE),
    ("GET", f"{V1}/tariffs/{{tariff_id}}"): Rule(P.PRICING_READ),
    ("PUT", f"{V1}/tariffs/{{tariff_id}}"): Rule(P.PRICING_MANAGE),
    ("POST", f"{V1}/tariffs/{{tariff_id}}/preview"): Rule(P.PRICING_READ),
    ("GET", f"{_STATION}/tariff"): Rule(P.PRICING_READ),
    ("PUT", f"{_STATION}/tariff"): Rule(P.PRICING_MANAGE),
    ("PUT", f"{V1}/sites/{{site_id}}/tariff"): Rule(P.PRICING_MANAGE),
    ("GET", f"{V1}/sessions/{{session_id}}/cdr"): Rule(P.PRICING_READ),
    ("GET", f"{V1}/sessions/{{session_id}}/cdrs"): Rule(P.PRICING_READ),
    ("POST", f"{V1}/sessions/{{session_id}}/review"): Rule(P.PRICING_MANAGE),
    ("GET", f"{V1}/cdrs"): Rule(P.PRICING_READ),
    ("GET", f"{V1}/ledger/accounts"): Rule(P.LEDGER_READ),
    ("GET", f"{V1}/ledger/entries"): Rule(P.LEDGER_READ),
    ("GET", f"{V1}/ledger/check"): Rule(P.LEDGER_READ),
    ("GET", f"{V1}/reports/revenue"): Rule(P.LEDGER_READ),
    # faults, maintenance and uptime
    ("GET", f"{V1}/alerts"): Rule(P.MAINTENANCE_READ),
    ("POST", f"{V1}/alerts/{{alert_id}}/close"): Rule(P.MAINTENANCE_MANAGE),
    ("GET", f"{V1}/alert-rules"): Rule(P.MAINTENANCE_READ),
    ("PUT", f"{V1}/alert-rules"): Rule(P.ALERTS_CONFIGURE),
    ("POST", f"{_STATION}/maintenance"): Rule(P.MAINTENANCE_MANAGE),
    ("GET", f"{_STATION}/health"): Rule(P.MAINTENANCE_READ),
    ("GET", f"{V1}/tickets"): Rule(P.MAINTENANCE_READ),
    ("POST", f"{V1}/tickets"): Rule(P.MAINTENANCE_MANAGE),
    ("GET", f"{V1}/tickets/{{ticket_id}}"): Rule(P.MAINTENANCE_READ),
    ("PATCH", f"{V1}/tickets/{{ticket_id}}"): Rule(P.MAINTENANCE_MANAGE),
    ("GET", f"{V1}/reports/uptime"): Rule(P.MAINTENANCE_READ),
    ("GET", f"{V1}/reports/repair-times"): Rule(P.MAINTENANCE_READ),
    ("GET", f"{V1}/uptime-exclusions"): Rule(P.MAINTENANCE_READ),
    ("POST", f"{V1}/uptime-exclusions"): Rule(P.ALERTS_CONFIGURE),
    ("GET", f"{V1}/notification-recipients"): Rule(P.MAINTENANCE_READ),
    ("GET", f"{V1}/notification-recipients/failures"): Rule(P.MAINTENANCE_READ),
    ("POST", f"{V1}/notification-recipients"): Rule(P.ALERTS_CONFIGURE),
    ("DELETE", f"{V1}/notification-recipients/{{recipient_id}}"): Rule(P.ALERTS_CONFIGURE),
}
for _name, _permission in COMMAND_PERMISSIONS.items():
    if _name not in INTERNAL_COMMANDS:  # sent by Laddnet itself (station CA, credentials)
        ROUTES["POST", f"{_STATION}/commands/{_name.value}"] = Rule(_permission)

_LEGACY_WRITERS = frozenset({Role.ADMIN, Role.OPERATOR})


def rule_for(method: str, path: str) -> Rule | None:
    return ROUTES.get(("GET" if method == "HEAD" else method, path))


def authorize(principal: Principal, method: str, path: str, *, fresh_second_factor: bool) -> None:
    """Raise NotAuthorized (StepUpRequired) unless `principal` may call this route now."""
    rule = rule_for(method, path)
    if not principal.mfa_enrolled and (rule is None or not rule.before_mfa):
        raise NotAuthorized(
            "two-factor authentication is required for this account: enrol with"
            " POST /api/v1/me/mfa/totp, then confirm with POST /api/v1/me/mfa/totp/confirm"
        )
    if rule is None:
        if method in ("GET", "HEAD") or principal.role in _LEGACY_WRITERS:
            return
        raise NotAuthorized(f"a {principal.role} may only read here; changes need operator")
    if not principal.may(rule.permission):
        raise NotAuthorized(f"the role {principal.role} lacks the permission {rule.permission}")
    if rule.step_up and not fresh_second_factor:
        raise StepUpRequired(
            "this action needs a second factor given within the last 5 minutes:"
            " POST /api/v1/me/mfa/verify with a code first"
        )
