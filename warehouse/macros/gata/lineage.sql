{#-
  Row-level lineage: every star-table row carries source_load_ids, the dlt load ids of the landed records
  it was built from (its own record and the entity records joined to it by key; a rollup, the union of its
  members'). Sorted and distinct so equal lineage compares equal; null load ids (no joined record) drop out.
-#}
{% macro gata_load_ids(expressions) -%}
list_sort(list_distinct([{{ expressions | join(', ') }}]))
{%- endmacro %}

{#- The load ids of a group's rows (an aggregate): of a load id column, or the union of lists (nested). -#}
{% macro gata_load_ids_agg(expression, nested=false) -%}
{%- if nested -%}
list_sort(list_distinct(flatten(list({{ expression }}))))
{%- else -%}
list_sort(list_distinct(list({{ expression }})))
{%- endif -%}
{%- endmacro %}
