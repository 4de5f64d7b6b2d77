{#- Amplitude: Amplitude's native session_id per device (inactivity only for out-of-session events); the shared engine body is in _common.sql. -#}

{% macro gata_engine_sessions__amplitude(tenant, connector) -%}
{{ gata_an_sessions(tenant, connector) }}
{%- endmacro %}

{% macro gata_engine_events__amplitude(tenant, connector) -%}
{{ gata_an_events(tenant, connector) }}
{%- endmacro %}
