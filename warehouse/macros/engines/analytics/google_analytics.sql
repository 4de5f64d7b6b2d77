{#- GA4: sessions cut by inactivity (logic.session_timeout_minutes) per user_pseudo_id; the shared engine body is in _common.sql. -#}

{% macro gata_engine_sessions__google_analytics(tenant, connector) -%}
{{ gata_an_sessions(tenant, connector) }}
{%- endmacro %}

{% macro gata_engine_events__google_analytics(tenant, connector) -%}
{{ gata_an_events(tenant, connector) }}
{%- endmacro %}
