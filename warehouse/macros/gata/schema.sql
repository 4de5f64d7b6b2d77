{#- Layers get their own schema, named as configured (staging, platform, intermediate, analytics). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}

{#-
  The star tables and observability views keep the names users see: model fct_orders is the relation
  fct_<tenant>__orders, obs_pipeline_runs is obs_<tenant>__pipeline_runs (the snapshot and the API use them).
-#}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
{%- if custom_alias_name -%}
    {{ custom_alias_name | trim }}
{%- elif node.fqn[1] in ('marts', 'observability') -%}
    {%- set prefix, entity = node.name.split('_', 1) -%}
    {{ prefix ~ '_' ~ var('tenant') ~ '__' ~ entity }}
{%- else -%}
    {{ node.name }}
{%- endif -%}
{%- endmacro %}
