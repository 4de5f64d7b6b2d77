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
        ('account_id', 'varchar'), ('status', 'varchar'), ('start_date', 'date')
    ],
    'ads': [
        ('ad_id', 'varchar'), ('ad_name', 'varchar'), ('ad_group_id', 'varchar'), ('campaign_id', 'varchar'),
        ('account_id', 'varchar'), ('status', 'varchar')
    ],
    'accounts': [('account_id', 'varchar'), ('currency', 'varchar')],
} -%}
{%- if role not in columns -%}
{{ exceptions.raise_compiler_error("unknown paid-ads role '" ~ role ~ "'") }}
{%- endif -%}
{{ return(columns[role]) }}
{%- endmacro %}

{#- A key of the record as text ('$.id', '$.budget.budget', '$."campaign.id"'); the canonical cast types it. -#}
{% macro gata_ads_json(path) -%}
(m.raw_data_payload->>'{{ path }}')
{%- endmacro %}

{#-
  The canonical shape of a role: the metadata every intermediate model carries (gata_int_metadata), then the
  role's canonical columns from the platform's fields ({column: field}), each cast to its canonical type. A
  field is a JSON path into the record ('$.campaignId') or a SQL expression over the record `m` (anything
  not starting with '$'); a column the platform lacks is left out and comes as a typed NULL. A name outside
  the role fails the compile, so a misspelt column never turns into a silent NULL.
-#}
{% macro gata_ads_canonical(role, fields) -%}
{%- set columns = gata_ads_role_columns(role) -%}
{%- set names = columns | map('first') | list -%}
{%- for name in fields if name not in names -%}
{{ exceptions.raise_compiler_error("'" ~ name ~ "' is not a canonical column of " ~ role ~ ": " ~ names | join(', ')) }}
{%- endfor -%}
{{ gata_int_metadata() }},
{%- for name, data_type in columns %}
    {%- set field = fields.get(name) %}
    {%- set expr = 'null' if field is none else (gata_ads_json(field) if field.startswith('$') else field) %}
    cast({{ expr }} as {{ data_type }}) as {{ name }}{{ "," if not loop.last }}
{%- endfor %}
{%- endmacro %}

{#- The object of a connector that plays a role (catalog `role`), or none when the connector has none. -#}
{% macro gata_ads_role_object(connector, role) -%}
{%- for object_name, spec in gata_catalog()[connector].objects.items() if spec.role == role -%}
{{ return(object_name) }}
{%- endfor -%}
{{ return(none) }}
{%- endmacro %}
