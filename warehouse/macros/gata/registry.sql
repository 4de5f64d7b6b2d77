{#- The registered tenants as rows (tenant_slug, config_hash, config_json), from the generated registry. -#}
{% macro gata_registry_rows() -%}
{%- set registry = gata_registry() -%}
{%- if registry | length == 0 %}
select null::varchar as tenant_slug, null::varchar as config_hash, null::varchar as config_json where false
{%- else %}
select * from (values
    {%- for slug, tenant in registry.items() | sort %}
    ('{{ slug }}', '{{ tenant.config_hash }}', '{{ tenant.config_json | replace("'", "''") }}'){{ "," if not loop.last }}
    {%- endfor %}
) as registered(tenant_slug, config_hash, config_json)
{%- endif %}
{%- endmacro %}

{#- (master_model_id, object) pairs of the catalog: one master model each. -#}
{% macro gata_master_models() -%}
{%- set pairs = [] -%}
{%- for connector, spec in gata_catalog().items() | sort -%}
    {%- for object_name in spec.objects -%}
        {%- if (spec.master_model_id, object_name) not in pairs -%}
            {%- do pairs.append((spec.master_model_id, object_name)) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endfor -%}
{{ return(pairs | sort) }}
{%- endmacro %}
