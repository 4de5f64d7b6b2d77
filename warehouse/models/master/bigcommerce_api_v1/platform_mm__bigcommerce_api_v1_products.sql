{%- set staged = [] -%}
{%- if gata_uses('bigcommerce') %}{% do staged.append(ref('stg_bigcommerce__products')) %}{% endif -%}
{{ gata_master(staged) }}
