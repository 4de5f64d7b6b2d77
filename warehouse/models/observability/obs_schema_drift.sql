{{ gata_obs_schema_drift(var('tenant')) }}
