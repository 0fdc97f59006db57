"""Station operations wired together: the services and the command hooks they add."""

from __future__ import annotations

from dataclasses import dataclass

from laddnet.domain.commands.model import CommandName
from laddnet.services.handlers import configuration, firmware, reservations
from laddnet.services.handlers.commands import CommandHooks
from laddnet.services.handlers.configuration import ConfigurationService
from laddnet.services.handlers.customer_information import (
    CustomerInformationService,
    prepare_customer_information,
)
from laddnet.services.handlers.firmware import FirmwareService
from laddnet.services.handlers.logs import LogService
from laddnet.services.handlers.reservations import ReservationService


@dataclass
class Operations:
    configuration: ConfigurationService
    firmware: FirmwareService
    logs: LogService
    reservations: ReservationService
    customer_information: CustomerInformationService  # 2.0.1 N09/N10 reports, encrypted

    async def aclose(self) -> None:
        await self.configuration.aclose()


def add_operation_hooks(hooks: CommandHooks, logs: LogService) -> CommandHooks:
    hooks.prepare.update(
        {
            CommandName.UPDATE_FIRMWARE: firmware.prepare_update_firmware,
            CommandName.GET_LOG: logs.prepare_get_log,
            CommandName.RESERVE_NOW: reservations.prepare_reserve_now,
            CommandName.CANCEL_RESERVATION: reservations.prepare_cancel_reservation,
            CommandName.CUSTOMER_INFORMATION: prepare_customer_information,
        }
    )
    hooks.after.update(
        {
            CommandName.GET_CONFIGURATION: configuration.after_get_configuration,
            CommandName.SET_CONFIGURATION: configuration.after_set_configuration,
            CommandName.UPDATE_FIRMWARE: firmware.after_update_firmware,
            CommandName.GET_LOG: LogService.after_get_log,
            CommandName.RESERVE_NOW: reservations.after_reserve_now,
            CommandName.CANCEL_RESERVATION: reservations.after_cancel_reservation,
        }
    )
    hooks.secret[CommandName.GET_LOG] = ("location",)  # the one-time token is in it
    return hooks
