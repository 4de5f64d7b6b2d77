{#-
  The tenant being built and its configuration, from the vars `gata` passes (`gata dbt-vars <slug>` prints
  them): values of the configuration reach SQL as data, never as template text written into files.
-#}

{#- The tenant: slug, reporting currency and its enabled sources (domain, currency, resolved logic). -#}
{% macro gata_tenant() -%}
{{ return({'slug': var('tenant'), 'reporting_currency': var('reporting_currency'),
           'sources': var('gata_sources')}) }}
{%- endmacro %}

{#- Whether the tenant uses a connector (the models of a connector it does not use are disabled). -#}
{% macro gata_uses(connector) -%}
{{ return(connector in var('gata_sources')) }}
{%- endmacro %}

{#- The connector catalog (supported_connectors.yaml): domain, master model family, objects. -#}
{% macro gata_catalog() -%}
{{ return(var('gata_catalog')) }}
{%- endmacro %}

{#- The tenant's stable key, as the platform registry assigns it (md5 of the slug). -#}
{% macro gata_tenant_skey() -%}
md5('gata-tenant|' || '{{ var("tenant") }}')
{%- endmacro %}
