{%- set staged = [] -%}
{%- if gata_uses('tiktok_ads') %}{% do staged.append(ref('stg_tiktok_ads__campaigns')) %}{% endif -%}
{{ gata_master(staged) }}
