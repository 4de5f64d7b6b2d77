{#- Stable key registry: the tenant gets its key once, when first built; later runs never change it. -#}
{{ config(materialized='incremental', incremental_strategy='append') }}

select
    '{{ var("tenant") }}' as tenant_slug,
    {{ gata_tenant_skey() }} as tenant_skey,
    current_timestamp::timestamp as first_registered_at
{% if is_incremental() %}
where '{{ var("tenant") }}' not in (select tenant_slug from {{ this }})
{% endif %}
