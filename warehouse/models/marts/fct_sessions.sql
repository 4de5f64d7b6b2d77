{#- a sync recomputes, per visitor with new events, the sessions from its first touched session on -#}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='session_id',
          on_schema_change='fail', pre_hook="{{ gata_an_sessions_clear_sync_scope(gata_tenant()) }}") }}
{{ gata_fct_sessions(gata_tenant()) }}
