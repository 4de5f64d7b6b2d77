{%- set staged = [] -%}
{%- if gata_uses('amplitude') %}{% do staged.append(ref('stg_amplitude__events')) %}{% endif -%}
{{ gata_master(staged) }}
