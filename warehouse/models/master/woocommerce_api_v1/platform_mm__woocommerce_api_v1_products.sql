{%- set staged = [] -%}
{%- if gata_uses('woocommerce') %}{% do staged.append(ref('stg_woocommerce__products')) %}{% endif -%}
{{ gata_master(staged) }}
