{#-
  Master models: one multi-tenant sink per connector object, the union of every tenant's staging view
  for that object (refs, so dbt's graph shows the lineage). Keyed by (tenant, platform, natural id).
  A build replaces the slices of the tenants in scope (gata_platform.build_scope) and leaves the others'
  rows untouched, so onboarding one tenant costs that tenant's data, not everyone's. A sync build merges
  only the records of loads newer than the slice's watermark (restated records replace their old rows).
-#}
{% macro gata_master(master_model_id, object_name) -%}
{%- set scope = gata_scope() -%}
{%- set watermarks = gata_master_watermarks() if gata_sync_build() else none -%}
{%- set members = [] -%}
{%- for m in gata_master_members(master_model_id, object_name) -%}
    {%- set model = ref(m.model) -%}  {#- every member is a ref at parse time: the full lineage -#}
    {%- if scope is none or m.tenant_slug in scope -%}
        {%- do members.append({'relation': model,
                               'newer_than': watermarks.get(m.tenant_slug ~ '|' ~ m.connector, '')
                                             if watermarks is not none else none}) -%}
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
    from {{ m.relation }}
    {%- if m.newer_than is not none %}
    where _dlt_load_id > '{{ m.newer_than }}'
    {%- endif %}
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
            {%- do members.append({'tenant_slug': tenant_slug, 'connector': connector,
                                   'model': 'stg_' ~ tenant_slug ~ '__' ~ connector ~ '_' ~ object_name}) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endfor -%}
{{ return(members) }}
{%- endmacro %}

{#-
  Before a master build: a full build drops the rows of the tenants being rebuilt (sources removed go with
  them); a sync drops the old versions of the records its new loads bring again.
-#}
{% macro gata_master_clear_scope(master_model_id, object_name) -%}
{%- if gata_sync_build() -%}
{%- set watermarks = gata_master_watermarks() -%}
{%- set scope = gata_scope() -%}
{%- set statements = [] -%}
{%- for m in gata_master_members(master_model_id, object_name) if m.tenant_slug in scope -%}
    {%- do statements.append(
        "delete from " ~ this ~ " where tenant_slug = '" ~ m.tenant_slug ~ "' and source_platform = '"
        ~ m.connector ~ "' and natural_id in (select natural_id from " ~ ref(m.model) ~ " where _dlt_load_id > '"
        ~ watermarks.get(m.tenant_slug ~ '|' ~ m.connector, '') ~ "')") -%}
{%- endfor -%}
{{ statements | join(';\n') if statements else 'select 1' }}
{%- elif is_incremental() -%}
delete from {{ this }} where tenant_slug in ({{ gata_scope_list() }})
{%- else -%}
select 1
{%- endif -%}
{%- endmacro %}

{#- The newest load id of each (tenant, platform) slice in scope, keyed 'tenant|platform'. -#}
{% macro gata_master_watermarks() -%}
{%- set rows = run_query("select tenant_slug || '|' || source_platform, max(_dlt_load_id) from " ~ this
                         ~ " where tenant_slug in (" ~ gata_scope_list() ~ ") group by 1") -%}
{%- set out = {} -%}
{%- for r in rows -%}{%- do out.update({r[0]: r[1]}) -%}{%- endfor -%}
{{ return(out) }}
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
