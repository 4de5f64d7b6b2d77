"""A tenant's end of life: offboarding (nobody reads it, nothing serves it, its data archived or deleted, its
slug held) and purging (nothing of it left anywhere, the slug free again)."""

from gata.lifecycle.offboard import LifecycleError, Offboarded, Purged, offboard, purge

__all__ = ["LifecycleError", "Offboarded", "Purged", "offboard", "purge"]
