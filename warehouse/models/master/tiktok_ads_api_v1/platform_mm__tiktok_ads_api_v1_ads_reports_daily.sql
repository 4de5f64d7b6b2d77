{%- set staged = [] -%}
{%- if gata_uses('tiktok_ads') %}{% do staged.append(ref('stg_tiktok_ads__ads_reports_daily')) %}{% endif -%}
{{ gata_master(staged) }}
