{%- set staged = [] -%}
{%- if gata_uses('linkedin_ads') %}{% do staged.append(ref('stg_linkedin_ads__campaigns')) %}{% endif -%}
{{ gata_master(staged) }}
