{#- Tenant config history: a new row only when the tenant's configuration (its hash) changes. -#}
{{ config(materialized='incremental', incremental_strategy='append') }}

with registered as (
    select
        '{{ var("tenant") }}' as tenant_slug,
        '{{ var("config_hash", "") }}' as config_hash,
        '{{ var("config_json", "{}") | replace("'", "''") }}' as config_json
)
{% if is_incremental() %}
, latest as (
    select tenant_slug, config_hash
    from {{ this }}
    qualify row_number() over (partition by tenant_slug order by valid_from desc) = 1
)
{% endif %}

select
    registered.tenant_slug,
    registered.config_hash,
    registered.config_json::json as config_json,
    current_timestamp::timestamp as valid_from
from registered
{% if is_incremental() %}
left join latest on latest.tenant_slug = registered.tenant_slug
where latest.config_hash is distinct from registered.config_hash
{% endif %}
