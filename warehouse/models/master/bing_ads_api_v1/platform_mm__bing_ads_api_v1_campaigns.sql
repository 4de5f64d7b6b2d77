{%- set staged = [] -%}
{%- if gata_uses('bing_ads') %}{% do staged.append(ref('stg_bing_ads__campaigns')) %}{% endif -%}
{{ gata_master(staged) }}
