"""The code location the fleet tests' Dagster processes load: GATA's definitions, onboarding a fixed history
(GATA_TEST_DAYS through GATA_TEST_END_DATE) so the data equals a reference built by `onboard()`."""

import os

from gata.orchestration.definitions import build_definitions
from gata.orchestration.resource import GataResource

defs = build_definitions(
    gata=GataResource(onboard_days=int(os.environ["GATA_TEST_DAYS"]), onboard_end_date=os.environ["GATA_TEST_END_DATE"])
)
