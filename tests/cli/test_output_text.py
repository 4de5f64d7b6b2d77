"""What the CLI prints from data or errors is text: square brackets in it are not Rich markup to swallow
(a missing token's remedy names the TOML section `[sources.<tenant>.<source>]`; a campaign may be "[brand] Sale")."""

from __future__ import annotations

from gata.cli.common import print_rows
from gata.cli.warehouse_cmds import _print_outcomes
from gata.semantic.query import Column
from gata.warehouse.sync import SyncOutcome


def test_a_sync_error_keeps_the_section_it_names(capsys):
    error = "no access_token found: set it under [sources.acme_live.shopify] in .dlt/secrets.toml"
    _print_outcomes([SyncOutcome(tenant="acme_live", status="failed", error=error)])
    printed = " ".join(capsys.readouterr().out.split())
    assert "[sources.acme_live.shopify]" in printed


def test_query_values_with_brackets_print_as_they_are(capsys):
    print_rows(
        [Column(name="campaign", type="string", format="text", label="Campaign")],
        [{"campaign": "[brand] Sale"}],
        "campaigns",
    )
    assert "[brand] Sale" in capsys.readouterr().out
