{#-
  Raw totals for reconciliation (gata_reconciles_with_raw): straight from the landed tables, not through
  master or intermediate models, so a row lost on the way shows up as a difference.
-#}

{% macro gata_raw_total__google_analytics__event_count(tenant_slug) -%}
select count(*) as total from {{ source('raw_' ~ tenant_slug ~ '__google_analytics', 'events') }}
{%- endmacro %}

{% macro gata_raw_total__amplitude__event_count(tenant_slug) -%}
select count(*) as total from {{ source('raw_' ~ tenant_slug ~ '__amplitude', 'events') }}
{%- endmacro %}

{% macro gata_raw_total__mixpanel__event_count(tenant_slug) -%}
select count(*) as total from {{ source('raw_' ~ tenant_slug ~ '__mixpanel', 'events') }}
{%- endmacro %}
