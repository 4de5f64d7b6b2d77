"""dlt settings GATA relies on, applied once before any pipeline is created.

- duck_case naming keeps column names exactly as the API spells them ("segments.date", "TimePeriod",
  "$insert_id"), so the landed row is the original record, key for key.
- the Arrow path adds `_dlt_load_id` to every row (lineage from mart rows back to loads).
- no telemetry leaves the machine.
"""

from __future__ import annotations

import logging
import os

DLT_ENV = {
    "SCHEMA__NAMING": "duck_case",
    "NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID": "true",
    "RUNTIME__DLTHUB_TELEMETRY": "false",
    "RUNTIME__LOG_LEVEL": "ERROR",
    "LOAD__TRUNCATE_STAGING_DATASET": "true",
}


def configure_dlt() -> None:
    for key, value in DLT_ENV.items():
        os.environ[key] = value
    # dlt warns on every Arrow batch that its nullability hints differ from ours; that is expected
    logging.getLogger("dlt").setLevel(logging.ERROR)
