-- depends_on: {{ ref('int_identity__members') }}
{#- a sync adds the new events and re-cuts those of the sessions they extend; then re-keys the earlier
    events of visitors identity resolution now ties to another person -#}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='event_id',
          on_schema_change='fail', post_hook="{{ gata_an_rekey('user_pseudo_id') }}") }}
{{ gata_fct_events(gata_tenant()) }}
