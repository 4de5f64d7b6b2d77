{#-
  Master models: one multi-tenant sink per connector object, the union of every tenant's staging view
  for that object (refs, so dbt's graph shows the lineage). Keyed by (tenant, platform, natural id).
  A build replaces the slices of the tenants in scope (gata_platform.build_scope) and leaves the others'
  rows untouched, so onboarding one tenant costs that tenant's data, not everyone's.
-#}
{% macro gata_master(master_model_id, object_name) -%}
{%- set scope = gata_scope() -%}
{%- set members = [] -%}
{%- for m in gata_master_members(master_model_id, object_name) -%}
    {%- set model = ref(m.model) -%}  {#- every member is a ref at parse time: the full lineage -#}
    {%- if scope is none or m.tenant_slug in scope -%}
        {%- do members.append(model) -%}
    {%- endif -%}
{%- endfor -%}
{%- if members | length == 0 %}
select
    null::varchar as tenant_slug, null::varchar as tenant_skey, null::varchar as source_platform,
    null::varchar as natural_id, null::timestamp as loaded_at, null::varchar as _dlt_load_id,
    null::varchar as source_schema_hash, null::json as raw_data_payload
where false
{%- else %}
with staged as (
    {%- for m in members %}
    select tenant_slug, source_platform, natural_id, loaded_at, _dlt_load_id, source_schema_hash, raw_data_payload
    from {{ m }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)
select
    staged.tenant_slug,
    tenant_keys.tenant_skey,
    staged.source_platform,
    staged.natural_id,
    staged.loaded_at,
    staged._dlt_load_id,
    staged.source_schema_hash,
    staged.raw_data_payload
from staged
inner join {{ ref('platform_hub__tenant_keys') }} as tenant_keys
    on tenant_keys.tenant_slug = staged.tenant_slug
{%- endif %}
{%- endmacro %}

{#- Staging models feeding a master model: every registered tenant with a connector of that family. -#}
{% macro gata_master_members(master_model_id, object_name) -%}
{%- set members = [] -%}
{%- for tenant_slug, tenant in gata_registry().items() | sort -%}
    {%- for connector in tenant.sources | sort -%}
        {%- if gata_catalog()[connector].master_model_id == master_model_id
              and object_name in gata_catalog()[connector].objects -%}
            {%- do members.append({'tenant_slug': tenant_slug,
                                   'model': 'stg_' ~ tenant_slug ~ '__' ~ connector ~ '_' ~ object_name}) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endfor -%}
{{ return(members) }}
{%- endmacro %}

{#- Before a master build: drop the rows of the tenants being rebuilt (sources removed go with them). -#}
{% macro gata_master_clear_scope() -%}
{%- if is_incremental() -%}
delete from {{ this }} where tenant_slug in ({{ gata_scope_list() }})
{%- else -%}
select 1
{%- endif -%}
{%- endmacro %}

{#-
  The tenants of the current build, read from gata_platform.build_scope when dbt executes (None while
  parsing, so the graph keeps every tenant's refs). Compiling the scope in as literals lets DuckDB skip
  other tenants' data entirely instead of filtering it row by row.
-#}
{% macro gata_scope() -%}
{%- if not execute -%}
{{ return(none) }}
{%- endif -%}
{%- set rows = run_query("select tenant_slug from " ~ source('gata_platform', 'build_scope') ~ " order by 1") -%}
{{ return(rows.columns[0].values() | list) }}
{%- endmacro %}

{% macro gata_scope_list() -%}
{%- set scope = gata_scope() or [] -%}
{%- if scope | length == 0 -%}null{%- else -%}
{%- for t in scope %}'{{ t }}'{{ ", " if not loop.last }}{% endfor -%}
{%- endif -%}
{%- endmacro %}
