"""Recording what pipeline runs do (runs, dbt results, the model graph, schema drift) in the tenant's
database. Reading it back for people is gata.observability's job."""
