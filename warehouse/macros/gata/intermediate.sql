{#-
  Intermediate: a tenant's slice of a master model (tenant isolation happens here), with the JSON payload
  parsed into typed columns by the connector family's extraction macro. JSON is parsed here, once: a sync
  parses only the records of loads newer than the model's watermark (and merges them on natural_id).
-#}
{% macro gata_master_slice(tenant, connector, object_name) -%}
{%- set family = gata_catalog()[connector].master_model_id -%}
(
    select tenant_slug, tenant_skey, source_platform, natural_id, loaded_at, _dlt_load_id, source_schema_hash,
           raw_data_payload
    from {{ ref('platform_mm__' ~ family ~ '_' ~ object_name) }}
    where tenant_slug = '{{ tenant.slug }}' and source_platform = '{{ connector }}'
    {%- if gata_sync_build() %}
      and _dlt_load_id > '{{ gata_watermark() }}'
    {%- endif %}
)
{%- endmacro %}

{% macro gata_intermediate(tenant, connector, object_name) -%}
{%- set family = gata_catalog()[connector].master_model_id -%}
{%- set extract = context.get('gata_extract__' ~ family ~ '__' ~ object_name) -%}
{%- set slice = gata_master_slice(tenant, connector, object_name) -%}
{%- if extract is none -%}
    {#- fail this model when it runs, not the whole project's parse: other tenants keep building -#}
    {%- if execute -%}
    {{ exceptions.raise_compiler_error("no extraction macro gata_extract__" ~ family ~ "__" ~ object_name) }}
    {%- endif -%}
select 1 as natural_id
{%- else -%}
{{ extract(tenant, connector, slice) }}
{%- endif -%}
{%- endmacro %}

{#- Metadata columns every intermediate model carries, from the master slice aliased `m`. -#}
{% macro gata_int_metadata() -%}
    m.tenant_slug, m.tenant_skey, m.source_platform, m.natural_id, m.loaded_at, m._dlt_load_id
{%- endmacro %}
