{%- set staged = [] -%}
{%- if gata_uses('bing_ads') %}{% do staged.append(ref('stg_bing_ads__ads')) %}{% endif -%}
{{ gata_master(staged) }}
