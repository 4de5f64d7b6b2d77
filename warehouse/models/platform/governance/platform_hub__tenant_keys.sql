{#- Stable key registry: a tenant gets its key once, when first registered; later runs never change it. -#}
{{ config(materialized='incremental', incremental_strategy='append') }}

with registered as (
    {{ gata_registry_rows() }}
)

select
    registered.tenant_slug,
    md5('gata-tenant|' || registered.tenant_slug) as tenant_skey,
    current_timestamp::timestamp as first_registered_at
from registered
{% if is_incremental() %}
where registered.tenant_slug not in (select tenant_slug from {{ this }})
{% endif %}
