{%- set staged = [] -%}
{%- if gata_uses('amplitude') %}{% do staged.append(ref('stg_amplitude__users')) %}{% endif -%}
{{ gata_master(staged) }}
