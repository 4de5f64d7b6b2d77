{{ gata_dim_users(gata_tenant()) }}
