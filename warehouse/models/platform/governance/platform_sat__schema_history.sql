{#-
  Schema history: each schema fingerprint seen per tenant, connector and object, with when it was first
  and last seen. A new fingerprint is recorded, never skipped: its records still land and route.
-#}
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key=['tenant_slug', 'source_platform', 'source_object', 'source_schema_hash']) }}

{#- every master model of the tenant's sources is a ref (lineage) -#}
{%- set parts = [] -%}
{%- set masters = [] -%}
{%- for connector in var('gata_sources') | sort -%}
    {%- set spec = gata_catalog()[connector] -%}
    {%- for object_name in spec.objects | sort -%}
        {%- set name = 'platform_mm__' ~ spec.master_model_id ~ '_' ~ object_name -%}
        {%- if name not in masters -%}
            {%- do masters.append(name) -%}
            {%- do parts.append("select tenant_slug, source_platform, '" ~ object_name ~ "' as source_object,
                   source_schema_hash, min(loaded_at) as first_seen_at, max(loaded_at) as last_seen_at,
                   count(*) as records
            from " ~ ref(name) ~ " group by all") -%}
        {%- endif -%}
    {%- endfor -%}
{%- endfor %}

with observed as (
    {%- if parts | length == 0 %}
    select null::varchar as tenant_slug, null::varchar as source_platform, null::varchar as source_object,
           null::varchar as source_schema_hash, null::timestamp as first_seen_at, null::timestamp as last_seen_at,
           null::bigint as records
    where false
    {%- else %}
    {{ parts | join('\n    union all\n    ') }}
    {%- endif %}
)

select
    observed.tenant_slug,
    observed.source_platform,
    observed.source_object,
    observed.source_schema_hash,
    {% if is_incremental() -%}
    least(observed.first_seen_at, coalesce(known.first_seen_at, observed.first_seen_at)) as first_seen_at,
    {%- else -%}
    observed.first_seen_at,
    {%- endif %}
    observed.last_seen_at,
    observed.records,
    library.expected_schema_hash is not null as is_registered
from observed
left join {{ source('gata_platform', 'connector_library') }} as library
    on library.connector = observed.source_platform
    and library.object_name = observed.source_object
    and library.expected_schema_hash = observed.source_schema_hash
{% if is_incremental() %}
left join {{ this }} as known
    on known.tenant_slug = observed.tenant_slug
    and known.source_platform = observed.source_platform
    and known.source_object = observed.source_object
    and known.source_schema_hash = observed.source_schema_hash
{% endif %}
