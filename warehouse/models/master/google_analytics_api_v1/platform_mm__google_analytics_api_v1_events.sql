{%- set staged = [] -%}
{%- if gata_uses('google_analytics') %}{% do staged.append(ref('stg_google_analytics__events')) %}{% endif -%}
{{ gata_master(staged) }}
