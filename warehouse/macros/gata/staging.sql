{#-
  Staging: one view per landed object. The landed row (the API record, key for key) is bundled into
  `raw_data_payload` JSON, with the metadata every master model carries. The schema fingerprint is the
  landed table's current columns and types, so a schema change shows up as a new hash. An object that has
  not landed yet (a report with no rows so far) is a typed empty view until it does.
-#}
{% macro gata_stage(relation) -%}
{%- set connector = relation.schema.split('__')[-1] -%}
{#- asked of the database itself: dbt's relation cache can miss a table another process landed -#}
{%- set landed = true -%}
{%- if execute -%}
    {%- set found = run_query("select count(*) from information_schema.tables where table_schema = '"
                              ~ relation.schema ~ "' and table_name = '" ~ relation.identifier ~ "'") -%}
    {%- set landed = found.columns[0].values()[0] > 0 -%}
{%- endif -%}
{%- if not landed %}
select
    null::varchar as tenant_slug, null::varchar as source_platform, null::varchar as source_object,
    null::varchar as natural_id, null::timestamp as loaded_at, null::varchar as _dlt_load_id,
    null::varchar as source_schema_hash, null::json as raw_data_payload
where false
{%- else %}
select
    '{{ var("tenant") }}' as tenant_slug,
    '{{ connector }}' as source_platform,
    '{{ relation.identifier }}' as source_object,
    record."_gata_natural_id" as natural_id,
    to_timestamp(record."_dlt_load_id"::double)::timestamp as loaded_at,
    record."_dlt_load_id" as _dlt_load_id,
    fingerprint.source_schema_hash,
    to_json(struct_pack(*columns(* exclude ("_gata_natural_id", "_dlt_load_id")))) as raw_data_payload
from {{ relation }} as record
cross join (
    select md5(string_agg(column_name || ':' || data_type, ',' order by column_name)) as source_schema_hash
    from information_schema.columns
    where table_schema = '{{ relation.schema }}'
      and table_name = '{{ relation.identifier }}'
      and column_name not in ('_gata_natural_id', '_dlt_load_id')
) as fingerprint
{%- endif %}
{%- endmacro %}
