{#- a sync adds the new events and re-cuts those of the sessions they extend -#}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='event_id',
          on_schema_change='fail') }}
{{ gata_fct_events(gata_tenant()) }}
