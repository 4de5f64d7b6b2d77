{%- set staged = [] -%}
{%- if gata_uses('facebook_ads') %}{% do staged.append(ref('stg_facebook_ads__ads')) %}{% endif -%}
{%- if gata_uses('instagram_ads') %}{% do staged.append(ref('stg_instagram_ads__ads')) %}{% endif -%}
{{ gata_master(staged) }}
