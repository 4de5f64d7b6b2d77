{%- set staged = [] -%}
{%- if gata_uses('amazon_ads') %}{% do staged.append(ref('stg_amazon_ads__product_ads')) %}{% endif -%}
{{ gata_master(staged) }}
