{{ gata_obs_test_results(var('tenant')) }}
