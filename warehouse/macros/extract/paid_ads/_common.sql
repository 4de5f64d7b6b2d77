{#-
  The canonical shape of paid-ads intermediate models. Every ad object has a role in the connector catalog
  (supported_connectors.yaml `role`); its extraction emits, after gata_int_metadata(), that role's canonical
  columns in this order and with these types, then any fields of the platform's own. The paid-ads engine
  (engines/paid_ads/_common.sql) reads the canonical columns only, so one engine serves every platform.
-#}

{#- Canonical columns per role: (name, type), in order. -#}
{% macro gata_ads_role_columns(role) -%}
{%- set report = [
    ('report_date', 'date'), ('account_id', 'varchar'), ('campaign_id', 'varchar'), ('ad_group_id', 'varchar'),
    ('ad_id', 'varchar'), ('spend', 'decimal(18,2)'), ('impressions', 'bigint'), ('clicks', 'bigint'),
    ('conversions', 'double'), ('conversions_value', 'decimal(18,2)'), ('currency', 'varchar'),
    ('campaign_name', 'varchar'), ('ad_group_name', 'varchar'), ('ad_name', 'varchar')
] -%}
{%- set columns = {
    'report': report,
    'campaign_report': report,
    'campaigns': [
        ('campaign_id', 'varchar'), ('campaign_name', 'varchar'), ('status', 'varchar'), ('account_id', 'varchar'),
        ('objective', 'varchar'), ('daily_budget', 'decimal(18,2)'), ('currency', 'varchar'),
        ('created_ts', 'timestamp')
    ],
    'ad_groups': [
        ('ad_group_id', 'varchar'), ('ad_group_name', 'varchar'), ('campaign_id', 'varchar'),
        ('account_id', 'varchar'), ('start_date', 'date')
    ],
    'ads': [('ad_id', 'varchar'), ('ad_name', 'varchar'), ('ad_group_id', 'varchar'), ('account_id', 'varchar')],
    'accounts': [('account_id', 'varchar'), ('currency', 'varchar')],
} -%}
{%- if role not in columns -%}
{{ exceptions.raise_compiler_error("unknown paid-ads role '" ~ role ~ "'") }}
{%- endif -%}
{{ return(columns[role]) }}
{%- endmacro %}

{#-
  A role's canonical columns from the platform's expressions ({column: SQL expression}): each cast to its
  canonical type, a typed NULL where the platform has no such field. A name outside the role fails the
  compile, so a misspelt column never turns into a silent NULL.
-#}
{% macro gata_ads_canonical(role, expressions) -%}
{%- set columns = gata_ads_role_columns(role) -%}
{%- set names = columns | map('first') | list -%}
{%- for name in expressions if name not in names -%}
{{ exceptions.raise_compiler_error("'" ~ name ~ "' is not a canonical column of role " ~ role ~ ": " ~ names | join(', ')) }}
{%- endfor -%}
{%- for name, data_type in columns %}
    cast({{ expressions.get(name) if expressions.get(name) is not none else 'null' }} as {{ data_type }}) as {{ name }}
    {{- "," if not loop.last }}
{%- endfor %}
{%- endmacro %}

{#- A key of the record as text ('$.id', '$.budget.budget', '$."campaign.id"'); the canonical cast types it. -#}
{% macro gata_ads_json(path) -%}
(m.raw_data_payload->>'{{ path }}')
{%- endmacro %}

{#- The object of a connector that plays a role (catalog `role`), or none when the connector has none. -#}
{% macro gata_ads_role_object(connector, role) -%}
{%- for object_name, spec in gata_catalog()[connector].objects.items() if spec.role == role -%}
{{ return(object_name) }}
{%- endfor -%}
{{ return(none) }}
{%- endmacro %}
