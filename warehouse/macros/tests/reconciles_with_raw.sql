{#-
  Reconciliation: a total in a mart equals the same total computed straight from the landed raw table
  (by the connector's own raw-total macro, which does not go through master or intermediate models).
  Returns a row, failing the test, when they differ.
-#}
{% test gata_reconciles_with_raw(model, tenant_slug, connector, measure) %}
{%- set mart_expr = {
    'spend': 'sum(spend)', 'impressions': 'sum(impressions)', 'clicks': 'sum(clicks)',
    'order_count': 'count(*)', 'total_price': 'sum(total_price)', 'event_count': 'count(*)'}[measure] -%}
{%- set raw_total = context.get('gata_raw_total__' ~ connector ~ '__' ~ measure) -%}
{%- if raw_total is none and execute -%}
{{ exceptions.raise_compiler_error("no raw total macro gata_raw_total__" ~ connector ~ "__" ~ measure) }}
{%- endif %}
with mart as (
    select coalesce({{ mart_expr }}, 0) as total from {{ model }} where source_platform = '{{ connector }}'
),
raw as (
    select coalesce(total, 0) as total from ({{ raw_total(tenant_slug) if raw_total is not none else 'select 0 as total' }}) as raw_total
)
select '{{ connector }}' as connector, '{{ measure }}' as measure, mart.total as mart_total, raw.total as raw_total
from mart cross join raw
where mart.total <> raw.total
{% endtest %}
