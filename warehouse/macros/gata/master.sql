{#-
  Master models: one per connector family and object, the union of the tenant's staging views for that
  object (refs in the model file, so dbt's graph and a reader see them), keyed by (source_platform,
  natural id). Onboarding and replay rebuild them (--full-refresh); a sync takes only the records of loads
  newer than what each platform's rows already hold, and delete+insert on the key replaces the old
  versions of restated records.
-#}
{% macro gata_master(staged) -%}
{%- set watermarks = gata_master_watermarks() if gata_sync_build() else {} -%}
with staged as (
    {%- for relation in staged %}
    select tenant_slug, source_platform, natural_id, loaded_at, _dlt_load_id, source_schema_hash, raw_data_payload
    from {{ relation }}
    {%- if gata_sync_build() %}
    where _dlt_load_id > '{{ watermarks.get(relation.identifier.split("__")[0][4:], "") }}'
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)
select
    staged.tenant_slug,
    {{ gata_tenant_skey() }} as tenant_skey,
    staged.source_platform,
    staged.natural_id,
    staged.loaded_at,
    staged._dlt_load_id,
    staged.source_schema_hash,
    staged.raw_data_payload
from staged
{%- endmacro %}

{#- The newest load id each source platform's rows hold, keyed by platform. -#}
{% macro gata_master_watermarks() -%}
{%- set rows = run_query("select source_platform, max(_dlt_load_id) from " ~ this ~ " group by 1") -%}
{%- set out = {} -%}
{%- for r in rows -%}{%- do out.update({r[0]: r[1]}) -%}{%- endfor -%}
{{ return(out) }}
{%- endmacro %}
