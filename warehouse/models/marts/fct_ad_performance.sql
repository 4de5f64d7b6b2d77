{{ gata_fct_ad_performance(gata_tenant()) }}
