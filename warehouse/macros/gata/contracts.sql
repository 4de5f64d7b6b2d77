{#-
  Star-table contracts as dbt sees them: gata_contract(table) returns the columns (name, data_type) in
  contract order, from the generated gata_contracts() macro (rendered from gata.warehouse.contracts).
-#}
{% macro gata_contract(table) -%}
{{ return(gata_contracts()[table]) }}
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

{#- Factories: UNION ALL of the engines of a tenant's enabled sources in one domain: `engine`, one macro
    (tenant, connector) serving every connector of the domain, or else `<engine_prefix>__<connector>`. -#}
{% macro gata_factory(table, tenant, domain, engine_prefix=none, engine=none) -%}
{%- set parts = [] -%}
{%- for connector in tenant.sources | sort -%}
    {%- set source = tenant.sources[connector] -%}
    {%- if source.domain == domain -%}
        {%- set connector_engine = engine if engine is not none else context.get(engine_prefix ~ '__' ~ connector) -%}
        {%- if connector_engine is none -%}
            {%- if execute -%}
            {{ exceptions.raise_compiler_error("no engine " ~ engine_prefix ~ "__" ~ connector) }}
            {%- endif -%}
        {%- else -%}
            {%- do parts.append(gata_project(table, connector_engine(tenant, connector))) -%}
        {%- endif -%}
    {%- endif -%}
{%- endfor -%}
{%- if parts | length == 0 -%}
{{ gata_empty(table) }}
{%- else -%}
{{ parts | join('\nunion all\n') }}
{%- endif -%}
{%- endmacro %}

{#- The intermediate model of a tenant's connector object (a ref, so lineage shows). -#}
{% macro gata_int(tenant, connector, object_name) -%}
{{ ref('int_' ~ tenant.slug ~ '__' ~ connector ~ '_' ~ object_name) }}
{%- endmacro %}
