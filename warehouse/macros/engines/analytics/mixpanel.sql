{#- Mixpanel: sessions cut by inactivity (logic.session_timeout_minutes) per $device_id; the shared engine body is in _common.sql. -#}

{% macro gata_engine_sessions__mixpanel(tenant, connector) -%}
{{ gata_an_sessions(tenant, connector) }}
{%- endmacro %}

{% macro gata_engine_events__mixpanel(tenant, connector) -%}
{{ gata_an_events(tenant, connector) }}
{%- endmacro %}
