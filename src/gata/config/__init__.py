"""The single configuration of GATA: the connector catalog and the tenants that use it.

Every stage reads tenant and connector settings through this package; none keeps its own copy.
"""

from gata.config.catalog import AdRole, Catalog, Connector, ConnectorObject, Domain
from gata.config.errors import ConfigError, ConfigIssue
from gata.config.loader import load_catalog, load_config, load_tenants
from gata.config.tenants import GataConfig, SourceConfig, Tenant, TenantsFile

__all__ = [
    "AdRole",
    "Catalog",
    "ConfigError",
    "ConfigIssue",
    "Connector",
    "ConnectorObject",
    "Domain",
    "GataConfig",
    "SourceConfig",
    "Tenant",
    "TenantsFile",
    "load_catalog",
    "load_config",
    "load_tenants",
]
