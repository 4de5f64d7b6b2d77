"""GATA: multi-tenant marketing analytics."""
