{#- Layers get their own schema, named as configured (staging, platform, intermediate, analytics). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
