{%- set staged = [] -%}
{%- if gata_uses('linkedin_ads') %}{% do staged.append(ref('stg_linkedin_ads__ad_analytics_by_campaign')) %}{% endif -%}
{{ gata_master(staged) }}
