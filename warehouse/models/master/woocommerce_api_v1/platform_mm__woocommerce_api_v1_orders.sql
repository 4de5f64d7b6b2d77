{%- set staged = [] -%}
{%- if gata_uses('woocommerce') %}{% do staged.append(ref('stg_woocommerce__orders')) %}{% endif -%}
{{ gata_master(staged) }}
