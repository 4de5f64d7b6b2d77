{#-
  Staging: one view per tenant and landed object. The landed row (the API record, key for key) is bundled
  into `raw_data_payload` JSON, with the metadata every master model carries. The schema fingerprint is
  the landed table's current columns and types, so a schema change shows up as a new hash.
-#}
{% macro gata_stage(tenant_slug, connector, object_name) -%}
{%- set relation = source('raw_' ~ tenant_slug ~ '__' ~ connector, object_name) -%}
select
    '{{ tenant_slug }}' as tenant_slug,
    '{{ connector }}' as source_platform,
    '{{ object_name }}' as source_object,
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
{%- endmacro %}
