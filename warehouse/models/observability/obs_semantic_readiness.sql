{{ gata_obs_semantic_readiness(var('tenant')) }}
