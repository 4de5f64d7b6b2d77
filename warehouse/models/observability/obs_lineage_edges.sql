{{ gata_obs_lineage_edges(var('tenant')) }}
