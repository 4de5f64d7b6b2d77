{#-
  Star-table contracts as dbt sees them: gata_contract(table) returns the columns (name, data_type) in
  contract order, as the mart's YAML declares them (models/marts/_marts__models.yml, enforced contracts;
  gata.star.contracts holds the same definitions for Python, and a test keeps the two equal).
-#}
{% macro gata_contract(table) -%}
{%- set columns = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == table -%}
        {%- for column in node.columns.values() -%}
            {%- do columns.append({'name': column.name, 'data_type': column.data_type}) -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif -%}
{{ return(columns) }}
{%- endmacro %}

{#- The six star tables' model names. -#}
{% macro gata_star_tables() -%}
{{ return(['fct_ad_performance', 'fct_orders', 'fct_sessions', 'fct_events', 'dim_campaigns', 'dim_users']) }}
{%- endmacro %}

{#- Project an engine's output onto the contract: every column, in order, cast to its type. -#}
{% macro gata_project(table, relation_sql) -%}
select
    {%- for col in gata_contract(table) %}
    cast({{ col.name }} as {{ col.data_type }}) as {{ col.name }}{{ "," if not loop.last }}
    {%- endfor %}
from ({{ relation_sql }}) as engine_rows
{%- endmacro %}

{#- A typed empty table with the full contract: a tenant without the domain still gets the table. -#}
{% macro gata_empty(table) -%}
select
    {%- for col in gata_contract(table) %}
    cast(null as {{ col.data_type }}) as {{ col.name }}{{ "," if not loop.last }}
    {%- endfor %}
where false
{%- endmacro %}

{#- Factories: UNION ALL of the domain's engine, a macro (tenant, connector), over the tenant's enabled
    sources in one domain. -#}
{% macro gata_factory(table, tenant, domain, engine) -%}
{%- set parts = [] -%}
{%- for connector in tenant.sources | sort if tenant.sources[connector].domain == domain -%}
    {%- do parts.append(gata_project(table, engine(tenant, connector))) -%}
{%- endfor -%}
{%- if parts | length == 0 -%}
{{ gata_empty(table) }}
{%- else -%}
{{ parts | join('\nunion all\n') }}
{%- endif -%}
{%- endmacro %}

{#- The intermediate model of a connector object (a ref, so lineage shows): int_<connector>__<object>. -#}
{% macro gata_int(tenant, connector, object_name) -%}
{{ ref('int_' ~ connector ~ '__' ~ object_name) }}
{%- endmacro %}
