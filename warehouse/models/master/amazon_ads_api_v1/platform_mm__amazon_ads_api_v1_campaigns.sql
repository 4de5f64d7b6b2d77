{%- set staged = [] -%}
{%- if gata_uses('amazon_ads') %}{% do staged.append(ref('stg_amazon_ads__campaigns')) %}{% endif -%}
{{ gata_master(staged) }}
