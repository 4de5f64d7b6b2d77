{%- set staged = [] -%}
{%- if gata_uses('shopify') %}{% do staged.append(ref('stg_shopify__products')) %}{% endif -%}
{{ gata_master(staged) }}
