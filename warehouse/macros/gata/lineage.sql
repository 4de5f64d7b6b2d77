{#-
  Row-level lineage: every star-table row carries source_load_ids, the dlt load ids of the landed records
  it was built from (its own record and the entity records joined to it by key; a rollup, the union of its
  members'). Sorted and distinct so equal lineage compares equal; null load ids (no joined record) drop out.
-#}
{% macro gata_load_ids(expressions) -%}
list_sort(list_distinct([{{ expressions | join(', ') }}]))
{%- endmacro %}

{#-
  The load ids of a group's rows (an aggregate): of a load id column, or the union of lists (nested). A column's
  ids are made distinct while aggregating: a list of every row's id first held one string per event.
-#}
{% macro gata_load_ids_agg(expression, nested=false) -%}
{%- if nested -%}
list_sort(list_distinct(flatten(list({{ expression }}))))
{%- else -%}
coalesce(list_sort(list(distinct {{ expression }}) filter (where {{ expression }} is not null)), [])
{%- endif -%}
{%- endmacro %}
