{%- set staged = [] -%}
{%- if gata_uses('mixpanel') %}{% do staged.append(ref('stg_mixpanel__people')) %}{% endif -%}
{{ gata_master(staged) }}
