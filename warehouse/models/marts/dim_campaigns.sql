{{ gata_dim_campaigns(gata_tenant()) }}
