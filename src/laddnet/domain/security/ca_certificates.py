"""CA certificates on a station (InstallCertificate, DeleteCertificate,
GetInstalledCertificateIds), in a version-neutral vocabulary mapped to each OCPP version's."""

from __future__ import annotations

from enum import StrEnum


class CaCertificateType(StrEnum):
    CSMS_ROOT = "csms_root"  # the CA the station checks our server certificate with
    MANUFACTURER_ROOT = "manufacturer_root"  # checks signed firmware
    V2G_ROOT = "v2g_root"  # ISO 15118 (2.0.1 only)
    MO_ROOT = "mo_root"  # mobility operator (2.0.1 only)


V16_NAMES: dict[CaCertificateType, str] = {
    CaCertificateType.CSMS_ROOT: "CentralSystemRootCertificate",
    CaCertificateType.MANUFACTURER_ROOT: "ManufacturerRootCertificate",
}
V201_NAMES: dict[CaCertificateType, str] = {
    CaCertificateType.CSMS_ROOT: "CSMSRootCertificate",
    CaCertificateType.MANUFACTURER_ROOT: "ManufacturerRootCertificate",
    CaCertificateType.V2G_ROOT: "V2GRootCertificate",
    CaCertificateType.MO_ROOT: "MORootCertificate",
}
