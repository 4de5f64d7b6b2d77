{#-
  Intermediate: one connector's rows of a master model (Meta's Facebook and Instagram share theirs), handed
  to the connector family's extraction macro, which the model file names. JSON is parsed here, once: a
  sync parses only the records of loads newer than the model's watermark (and merges them on natural_id).
-#}
{% macro gata_master_slice(connector, master) -%}
(
    select tenant_slug, tenant_skey, source_platform, natural_id, loaded_at, _dlt_load_id, source_schema_hash,
           raw_data_payload
    from {{ master }}
    where source_platform = '{{ connector }}'
    {%- if gata_sync_build() %}
      and _dlt_load_id > '{{ gata_watermark() }}'
    {%- endif %}
)
{%- endmacro %}

{#- Metadata columns every intermediate model carries, from the master slice aliased `m`. -#}
{% macro gata_int_metadata() -%}
    m.tenant_slug, m.tenant_skey, m.source_platform, m.natural_id, m.loaded_at, m._dlt_load_id
{%- endmacro %}
