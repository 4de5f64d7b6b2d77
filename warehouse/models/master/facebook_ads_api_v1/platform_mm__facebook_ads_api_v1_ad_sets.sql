{%- set staged = [] -%}
{%- if gata_uses('facebook_ads') %}{% do staged.append(ref('stg_facebook_ads__ad_sets')) %}{% endif -%}
{%- if gata_uses('instagram_ads') %}{% do staged.append(ref('stg_instagram_ads__ad_sets')) %}{% endif -%}
{{ gata_master(staged) }}
