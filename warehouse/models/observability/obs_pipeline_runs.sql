{{ gata_obs_pipeline_runs(var('tenant')) }}
