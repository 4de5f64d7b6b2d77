{%- set staged = [] -%}
{%- if gata_uses('bigcommerce') %}{% do staged.append(ref('stg_bigcommerce__orders')) %}{% endif -%}
{{ gata_master(staged) }}
