"""The committed connector library is exactly what the connectors produce today."""

from __future__ import annotations

import json

from gata.config import load_config
from gata.warehouse.library import LIBRARY_FILE, library_document, schema_hash, stored_schemas


def test_committed_library_matches_a_fresh_computation():
    fresh = library_document(load_config().catalog)
    assert json.loads(LIBRARY_FILE.read_text()) == fresh, (
        "connector output changed: regenerate warehouse/connector_library.json "
        "(python -c 'from gata.warehouse.library import write_library_file; write_library_file()')"
    )


def test_every_catalog_object_is_registered_with_a_fingerprint():
    catalog = load_config().catalog
    schemas = stored_schemas(catalog)
    assert set(schemas) == {(c, o) for c in catalog.ids() for o in catalog[c].objects}
    for cols in schemas.values():
        assert cols and len(schema_hash(cols)) == 32
