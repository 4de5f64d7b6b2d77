{%- set staged = [] -%}
{%- if gata_uses('shopify') %}{% do staged.append(ref('stg_shopify__orders')) %}{% endif -%}
{{ gata_master(staged) }}
