{%- set staged = [] -%}
{%- if gata_uses('bing_ads') %}{% do staged.append(ref('stg_bing_ads__account_performance_report')) %}{% endif -%}
{{ gata_master(staged) }}
