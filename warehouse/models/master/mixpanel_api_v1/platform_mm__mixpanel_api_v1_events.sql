{%- set staged = [] -%}
{%- if gata_uses('mixpanel') %}{% do staged.append(ref('stg_mixpanel__events')) %}{% endif -%}
{{ gata_master(staged) }}
