{#-
  Daily syncs build incrementally; onboarding and replay build in full. A full build runs
  `dbt build --full-refresh`: tenant models are rebuilt from scratch, and the shared platform models (which
  ignore the flag, full_refresh: false) replace the slices of the tenants in scope. A sync build is the same
  selection without --full-refresh: each model reads only what is newer than what it already holds.
-#}

{#- True while executing an incremental (sync) build of an existing model. -#}
{% macro gata_sync_build() -%}
{{ return(execute and is_incremental() and not flags.FULL_REFRESH) }}
{%- endmacro %}

{#-
  The newest load id a model already holds ('' when none): everything up to it has been processed. Read
  when the model is compiled, which is before its pre-hooks run, so hooks and SQL see the same value.
-#}
{% macro gata_watermark(load_id_expression='_dlt_load_id', where=none) -%}
{%- set sql -%}
select coalesce(max({{ load_id_expression }}), '') from {{ this }}{% if where %} where {{ where }}{% endif %}
{%- endset -%}
{{ return(run_query(sql).columns[0].values()[0]) }}
{%- endmacro %}
