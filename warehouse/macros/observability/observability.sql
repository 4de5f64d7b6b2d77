{#-
  Tenant-scoped observability views over what the Python side captures in gata_platform (runs, dbt node
  results, the model graph, loads, drift). Views, so they are current whenever read; the publish step
  copies them into the tenant's read snapshot. A node belongs to a tenant by the graph (its tag); shared
  nodes (master models, governance) count for every tenant whose run built them.
-#}

{% macro gata_obs_pipeline_runs(slug) -%}
with runs as (
    select * from {{ source('gata_platform', 'pipeline_runs') }} where tenant_slug = '{{ slug }}'
),
nodes as (
    select i.run_id, n.resource_type, n.status
    from {{ source('gata_platform', 'dbt_invocations') }} as i
    join {{ source('gata_platform', 'dbt_node_results') }} as n using (invocation_id)
    where i.run_id in (select run_id from runs) and (n.tenant_slug = '{{ slug }}' or n.tenant_slug is null)
)
select
    runs.run_id,
    runs.kind,
    runs.tenant_slug,
    runs.status,
    runs.started_at,
    runs.finished_at,
    date_diff('millisecond', runs.started_at, runs.finished_at) / 1000.0 as duration_seconds,
    runs.message,
    runs.steps,
    count(*) filter (where nodes.resource_type in ('model', 'seed', 'snapshot') and nodes.status = 'success')
        as models_succeeded,
    count(*) filter (where nodes.resource_type in ('model', 'seed', 'snapshot') and nodes.status <> 'success')
        as models_failed,
    count(*) filter (where nodes.resource_type = 'test' and nodes.status = 'pass') as tests_passed,
    count(*) filter (where nodes.resource_type = 'test' and nodes.status = 'fail') as tests_failed,
    count(*) filter (where nodes.resource_type = 'test' and nodes.status = 'warn') as tests_warned,
    count(*) filter (where nodes.resource_type = 'test' and nodes.status in ('error', 'runtime error'))
        as tests_errored
from runs
left join nodes using (run_id)
group by all
{%- endmacro %}

{% macro gata_obs_node_results(slug) -%}
select
    i.run_id,
    n.invocation_id,
    n.unique_id,
    n.name,
    n.resource_type,
    coalesce(n.tenant_slug, '(shared)') as owner,
    n.tested_node,
    n.relation_name,
    n.status,
    n.execution_time,
    -- a shared node built for several tenants at once counts their rows together: not this tenant's to see
    case when n.tenant_slug is null and json_array_length(i.scope) > 1 then null else n.rows_affected end
        as rows_affected,
    n.failures,
    case when n.tenant_slug is null and json_array_length(i.scope) > 1 then null else n.message end as message,
    n.completed_at
from {{ source('gata_platform', 'dbt_node_results') }} as n
join {{ source('gata_platform', 'dbt_invocations') }} as i using (invocation_id)
where n.tenant_slug = '{{ slug }}'
   or (n.tenant_slug is null and i.run_id in (
        select run_id from {{ source('gata_platform', 'pipeline_runs') }} where tenant_slug = '{{ slug }}'))
{%- endmacro %}

{% macro gata_obs_test_results(slug) -%}
select run_id, invocation_id, unique_id, name, owner, tested_node, status, failures, message, execution_time,
       completed_at
from {{ ref('obs_node_results') }}
where resource_type = 'test'
{%- endmacro %}

{% macro gata_obs_lineage_edges(slug) -%}
select parent_id, child_id, parent_type, child_type, parent_relation, child_relation, parent_tenant,
       tenant_slug as child_tenant, recorded_at
from {{ source('gata_platform', 'dbt_lineage_edges') }}
where tenant_slug = '{{ slug }}'
   or (parent_tenant = '{{ slug }}' and tenant_slug is null)
{%- endmacro %}

{% macro gata_obs_source_freshness(slug) -%}
with loads as (
    select *, row_number() over (partition by connector, table_name order by finished_at desc, load_id desc) as n
    from {{ source('gata_platform', 'ingest_loads') }}
    where tenant_slug = '{{ slug }}'
)
select
    connector,
    table_name,
    dataset_name,
    load_id as last_load_id,
    finished_at::timestamp as last_loaded_at,
    row_count as last_load_rows,
    window_end as data_through,
    as_of,
    date_diff('minute', finished_at::timestamp, current_timestamp::timestamp) / 60.0 as hours_since_load,
    (select count(*) from loads as l where l.connector = loads.connector and l.table_name = loads.table_name)
        as loads
from loads
where n = 1
{%- endmacro %}

{% macro gata_obs_schema_drift(slug) -%}
select connector, object_name, field, change, expected_type, observed_type, first_seen_load_id, first_seen_at,
       last_seen_load_id
from {{ source('gata_platform', 'schema_drift') }}
where tenant_slug = '{{ slug }}'
{%- endmacro %}

{#- Semantic readiness: each of the six star tables present, non-empty, and valid (its last build succeeded
    and none of its tests failed in that run). Reads the catalog, so a missing table is a row, not an error. -#}
{% macro gata_obs_semantic_readiness(slug) -%}
{%- set tables = [] -%}
{%- for table in gata_star_tables() | sort -%}
    {%- set prefix, entity = table.split('_', 1) -%}
    {%- do tables.append("select '" ~ table ~ "' as contract_table, '" ~ prefix ~ "_" ~ slug ~ "__" ~ entity ~ "' as model_name") -%}
{%- endfor %}
with expected as (
    {{ tables | join('\n    union all\n    ') }}
),
present as (
    select table_name as model_name, estimated_size as row_count
    from duckdb_tables() where schema_name = 'analytics'
),
-- a node result's name is its relation's (fct_<slug>__orders); a test names the node it tests by model
-- (model.gata.fct_orders)
last_build as (
    select name as model_name, status, completed_at,
           row_number() over (partition by name order by completed_at desc) as n
    from {{ source('gata_platform', 'dbt_node_results') }}
    where resource_type = 'model' and tenant_slug = '{{ slug }}'
),
last_tests as (
    select split_part(tested_node, '.', 3) as contract_table, invocation_id, status,
           dense_rank() over (partition by split_part(tested_node, '.', 3) order by completed_at desc) as n
    from {{ source('gata_platform', 'dbt_node_results') }}
    where resource_type = 'test' and tenant_slug = '{{ slug }}'
)
select
    expected.contract_table,
    expected.model_name,
    present.model_name is not null as is_present,
    coalesce(present.row_count, 0) as row_count,
    last_build.status as last_build_status,
    last_build.completed_at as last_built_at,
    coalesce((select count(*) from last_tests as t where t.contract_table = expected.contract_table and t.n = 1
              and t.status <> 'pass'), 0) as failing_tests,
    present.model_name is not null and coalesce(present.row_count, 0) > 0
        and coalesce(last_build.status, 'success') = 'success'
        and coalesce((select count(*) from last_tests as t where t.contract_table = expected.contract_table
                      and t.n = 1 and t.status <> 'pass'), 0) = 0 as is_ready
from expected
left join present using (model_name)
left join last_build on last_build.model_name = expected.model_name and last_build.n = 1
{%- endmacro %}
