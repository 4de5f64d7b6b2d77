{#-
  Reconciliation, declared on each connector's landed report table (models/staging/<connector>/
  _<connector>__sources.yml, beside the SQL of its raw total): a total in the mart equals the same total
  computed straight from the landed table, not through the master or intermediate models. A table that has
  not landed yet counts 0. Returns a row, failing the test, when they differ. `raw_ts`, the landed
  record's time: only records from the first reported day on count (analytics tools land an attribution
  warm-up before it, which the mart does not report).
-#}
{% test gata_reconciles_with_mart(model, mart, source_platform, measure, raw_total, raw_ts=none) %}
{%- set mart_total = {
    'spend': 'sum(spend)', 'impressions': 'sum(impressions)', 'clicks': 'sum(clicks)',
    'order_count': 'count(*)', 'total_price': 'sum(total_price)', 'event_count': 'count(*)'}[measure] -%}
{%- set landed = true -%}
{%- if execute -%}
    {#- asked of the database itself: dbt's relation cache can miss a table another process landed -#}
    {%- set found = run_query("select count(*) from information_schema.tables where table_schema = '"
                              ~ model.schema ~ "' and table_name = '" ~ model.identifier ~ "'") -%}
    {%- set landed = found.columns[0].values()[0] > 0 -%}
{%- endif %}
with mart as (
    select coalesce({{ mart_total }}, 0) as total from {{ mart }} where source_platform = '{{ source_platform }}'
),
raw as (
    {%- if landed %}
    select coalesce({{ raw_total }}, 0) as total from {{ model }}
    {%- if raw_ts %}
    where {{ gata_an_reported(source_platform, raw_ts) }}
    {%- endif %}
    {%- else %}
    select 0 as total
    {%- endif %}
)
select '{{ source_platform }}' as source_platform, '{{ measure }}' as measure, mart.total as mart_total,
       raw.total as raw_total
from mart cross join raw
where mart.total <> raw.total
{% endtest %}
