{%- set staged = [] -%}
{%- if gata_uses('facebook_ads') %}{% do staged.append(ref('stg_facebook_ads__campaigns')) %}{% endif -%}
{%- if gata_uses('instagram_ads') %}{% do staged.append(ref('stg_instagram_ads__campaigns')) %}{% endif -%}
{{ gata_master(staged) }}
