{{ gata_identity_match_rates(gata_tenant()) }}
