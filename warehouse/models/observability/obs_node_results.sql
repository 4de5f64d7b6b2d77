{{ gata_obs_node_results(var('tenant')) }}
