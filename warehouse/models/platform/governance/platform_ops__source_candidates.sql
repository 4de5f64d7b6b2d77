{#-
  Source candidate registry: every landed table in the tenant's database, which connector object it
  feeds, its current schema fingerprint, and whether that fingerprint is the registered one.
-#}
{{ config(materialized='view') }}

with landed as (
    select
        table_schema as dataset_name,
        table_name as object_name,
        md5(string_agg(column_name || ':' || data_type, ',' order by column_name)) as source_schema_hash,
        count(*) as column_count
    from information_schema.columns
    where table_schema like 'raw\_%' escape '\'
      and table_schema not like '%\_staging' escape '\'  -- dlt's merge staging datasets
      and table_name not like '\_dlt\_%' escape '\'
      and column_name not in ('_gata_natural_id', '_dlt_load_id')
    group by all
),

registered as (
    -- the tenant of this database (its key hub)
    select tenant_slug from {{ ref('platform_hub__tenant_keys') }}
)

select
    landed.dataset_name,
    landed.object_name,
    registered.tenant_slug,
    library.connector,
    library.master_model,
    landed.source_schema_hash,
    landed.column_count,
    library.expected_schema_hash,
    case
        when library.connector is null then 'unknown'
        when library.expected_schema_hash = landed.source_schema_hash then 'registered'
        else 'schema_changed'
    end as candidate_status
from landed
left join registered
    on starts_with(landed.dataset_name, 'raw_' || registered.tenant_slug || '__')
left join {{ source('gata_platform', 'connector_library') }} as library
    on landed.dataset_name = 'raw_' || registered.tenant_slug || '__' || library.connector
    and landed.object_name = library.object_name
