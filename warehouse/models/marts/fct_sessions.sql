-- depends_on: {{ ref('int_identity__members') }}
{#- a sync recomputes, per visitor with new events, the sessions from its first touched session on; then
    re-keys the earlier sessions of visitors identity resolution now ties to another person -#}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='session_id',
          on_schema_change='fail', pre_hook="{{ gata_an_sessions_clear_sync_scope(gata_tenant()) }}",
          post_hook="{{ gata_an_rekey('user_pseudo_id') }}") }}
{{ gata_fct_sessions(gata_tenant()) }}
