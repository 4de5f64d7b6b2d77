{%- set staged = [] -%}
{%- if gata_uses('google_ads') %}{% do staged.append(ref('stg_google_ads__campaigns')) %}{% endif -%}
{{ gata_master(staged) }}
