{{ gata_obs_source_freshness(var('tenant')) }}
