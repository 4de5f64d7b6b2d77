{#-
  One engine body for the three analytics tools: their intermediate events models share typed columns
  (see macros/extract/analytics/_common.sql), sessions were cut there (timeout from the tool's logic,
  Amplitude's native ids). Here: session rollup, conversion flag, funnel depth, attribution, revenue.
-#}

{#-
  Ordering of a session's events: time, the tool's own sequence, then a hash of the id (deterministic ties).
  One fixed-size value, for arg_min/arg_max and for sorting a session's steps: `first(x order by ...)`
  buffers every event of every session, and a string in the key made each aggregate state carry a copy of
  it; a one-year tenant's 1M sessions did not fit in DuckDB's 2 GB that way.
-#}
{% macro gata_an_event_key() -%}
(event_ts, event_sequence, hash(event_id))
{%- endmacro %}

{#-
  Reporting starts on the tool's first reported day (var gata_reported_from, the sources' first_day state):
  onboarding lands the attribution look-back before it (gata.ingest.warmup), read by attribution and identity
  but not reported. An event is reported from that day on; a session when it reaches that day (a session
  begun the evening before keeps its start and its event count). Everything is reported when the var names
  no day for the tool (landed without a source state, e.g. hand-made test records).
-#}
{% macro gata_an_reported(connector, ts_column) -%}
{%- set first = var('gata_reported_from', {}).get(connector) -%}
{%- if first -%}
{{ ts_column }} >= timestamp '{{ first }}'
{%- else -%}
true
{%- endif -%}
{%- endmacro %}

{#-
  funnel_depth: how many of the configured steps the session completed in order. Each step name gets a
  code; the session's step events, sorted by their key after collecting (an ordered aggregate would buffer
  every event again), are folded left: the depth advances when an event is the next expected step. A step
  listed twice must be done twice.
-#}
{% macro gata_an_funnel_depth(steps) -%}
{%- set names = [] -%}
{%- for s in steps -%}{%- if s not in names -%}{%- do names.append(s) -%}{%- endif -%}{%- endfor -%}
{%- set codes = [] -%}
{%- for s in steps -%}{%- do codes.append(names.index(s) + 1) -%}{%- endfor -%}
{%- if steps | length == 0 -%}
0
{%- else -%}
list_reduce(
    coalesce(
        list_transform(
            list_sort(list(struct_pack(event_key := {{ gata_an_event_key() }}, step := case event_name
                {%- for n in names %}
                when {{ gata_an_sql_string(n) }} then {{ loop.index }}
                {%- endfor %}
            end)) filter (where event_name in {{ gata_an_sql_list(names) }})),
            lambda e: e.step
        ),
        []::integer[]
    ),
    lambda depth, step: case
        when depth < {{ steps | length }} and step = [{{ codes | join(', ') }}][depth + 1] then depth + 1
        else depth
    end,
    0
)
{%- endif -%}
{%- endmacro %}

{#-
  A sync's scope in one tool: the clients with events newer than what the mart (`this`) holds, each with
  the start of its first session holding one. Their sessions from that start on are recomputed (a new
  event may extend or join earlier sessions); attribution only looks back, so earlier ones stay as they are.
-#}
{% macro gata_an_sync_scope(tenant, connector) -%}
{%- set events = gata_int(tenant, connector, 'events') -%}
{%- set newer_than = gata_watermark('list_max(source_load_ids)', "source_platform = '" ~ connector ~ "'") -%}
select client_id, min(event_ts) as cutoff
from {{ events }}
where session_id in (select session_id from {{ events }} where _dlt_load_id > '{{ newer_than }}')
group by client_id
{%- endmacro %}

{#- Before a sync build of fct_sessions: drop the sessions in scope (some may since have been joined). -#}
{% macro gata_an_sessions_clear_sync_scope(tenant) -%}
{%- set statements = [] -%}
{%- if gata_sync_build() -%}
{%- for connector in tenant.sources | sort if tenant.sources[connector].domain == 'analytics' -%}
    {%- do statements.append(
        "delete from " ~ this ~ " where session_id in (select held.session_id from " ~ this ~ " as held "
        ~ "inner join (" ~ gata_an_sync_scope(tenant, connector) ~ ") as sync_scope "
        ~ "on sync_scope.client_id = held.user_pseudo_id and held.session_start_ts >= sync_scope.cutoff "
        ~ "where held.source_platform = '" ~ connector ~ "')") -%}
{%- endfor -%}
{%- endif -%}
{{ statements | join(';\n') if statements else 'select 1' }}
{%- endmacro %}

{#- fct_sessions rows of one tool, every contract column by name. -#}
{% macro gata_an_sessions(tenant, connector) -%}
{%- set conversion_events = gata_an_logic(tenant, connector, 'conversion_events', []) -%}
{%- set funnel_steps = gata_an_logic(tenant, connector, 'funnel_steps', []) -%}
{%- set model = gata_an_logic(tenant, connector, 'attribution_model', 'last_non_direct') -%}
{%- set lookback = gata_an_logic(tenant, connector, 'attribution_lookback_days', 30) -%}
{%- set sync = gata_sync_build() -%}
{%- set events = gata_int(tenant, connector, 'events') -%}
{#- a purchase made before the first reported day (a warm-up session running into it) is not a reported order -#}
{%- set purchase = "order_id is not null and " ~ gata_an_reported(connector, 'event_ts') -%}
with
{%- if sync %}
sync_scope as (
    {{ gata_an_sync_scope(tenant, connector) }}
),
scoped_events as (
    -- the sessions in scope and, for attribution, the visitor's sessions in the look-back before them
    select e.*
    from {{ events }} as e
    where e.session_id in (
        select held.session_id
        from {{ events }} as held
        inner join sync_scope on sync_scope.client_id = held.client_id
        group by held.session_id, sync_scope.cutoff
        having max(held.event_ts) >= sync_scope.cutoff - interval ({{ lookback }}) day
    )
),
{%- endif %}
session_rollup as (
    select
        any_value(tenant_slug) as tenant_slug,
        any_value(source_platform) as source_platform,
        session_id,
        any_value(client_id) as user_pseudo_id,
        arg_max(user_id, {{ gata_an_event_key() }}) filter (where user_id is not null) as user_id,
        min(event_ts) as session_start_ts,
        max(event_ts) as session_end_ts,
        count(*) as events_in_session,
        -- the session's own source: the first event carrying one (dbt-ga4: first non-direct source)
        arg_min(struct_pack(source, medium, campaign, campaign_id), {{ gata_an_event_key() }})
            filter (where source is not null) as landing,
        arg_min(page_path, {{ gata_an_event_key() }}) filter (where page_path is not null) as landing_page,
        arg_min(geo_country, {{ gata_an_event_key() }}) filter (where geo_country is not null) as geo_country,
        arg_min(device_category, {{ gata_an_event_key() }}) filter (where device_category is not null)
            as device_category,
        {%- if conversion_events | length > 0 %}
        coalesce(bool_or(event_name in {{ gata_an_sql_list(conversion_events) }}), false)
        {%- else %}
        false
        {%- endif %} as is_conversion_session,
        coalesce(sum(revenue) filter (where {{ purchase }}), 0) as session_revenue,
        arg_min(order_id, {{ gata_an_event_key() }}) filter (where {{ purchase }}) as transaction_id,
        -- arg_min_null: the first purchase's currency even when it is missing (a contract failure, not a guess)
        arg_min_null(currency, {{ gata_an_event_key() }}) filter (where {{ purchase }}) as currency,
        {{ gata_an_funnel_depth(funnel_steps) }} as funnel_depth,
        {{ gata_load_ids_agg('_dlt_load_id') }} as source_load_ids
    from {{ 'scoped_events' if sync else events }}
    group by session_id
),
landed as (
    select
        * exclude (landing),
        coalesce(landing.source, '(direct)') as landing_source,
        coalesce(landing.medium, '(none)') as landing_medium,
        landing.campaign as landing_campaign,
        landing.campaign_id as landing_campaign_id,
        landing.source is null or landing.source = '(direct)' as is_direct
    from session_rollup
),
attributed as (
    select
        *,
        {%- if model == 'last_click' %}
        -- last_click: the session's own landing source
        struct_pack(source := landing_source, medium := landing_medium, campaign := landing_campaign,
                    campaign_id := landing_campaign_id) as touch
        {%- elif model == 'first_click' %}
        -- first_click: the visitor's first non-direct session within the look-back (GA4: direct gets credit only
        -- when the path has no other touch), else the first session (this one if none earlier)
        coalesce(
            first_value(case when not is_direct then struct_pack(source := landing_source, medium := landing_medium,
                                                                 campaign := landing_campaign,
                                                                 campaign_id := landing_campaign_id) end ignore nulls)
                over visitor_lookback,
            first_value(struct_pack(source := landing_source, medium := landing_medium, campaign := landing_campaign,
                                    campaign_id := landing_campaign_id)) over visitor_lookback
        ) as touch
        {%- else %}
        -- last_non_direct: own source unless direct, else the latest earlier non-direct one in the look-back
        last_value(case when not is_direct then struct_pack(source := landing_source, medium := landing_medium,
                                                            campaign := landing_campaign,
                                                            campaign_id := landing_campaign_id) end ignore nulls)
            over visitor_lookback as touch
        {%- endif %}
    from landed
    {%- if model != 'last_click' %}
    window visitor_lookback as (
        partition by user_pseudo_id order by session_start_ts
        range between interval {{ lookback }} day preceding and current row
    )
    {%- endif %}
)
select
    tenant_slug,
    source_platform,
    session_id,
    user_pseudo_id,
    user_id,
    client_members.user_key,
    session_start_ts,
    session_end_ts,
    date_diff('second', session_start_ts, session_end_ts) as session_duration_seconds,
    events_in_session,
    coalesce(touch.source, '(direct)') as traffic_source,
    coalesce(touch.medium, '(none)') as traffic_medium,
    touch.campaign as traffic_campaign,
    geo_country,
    device_category,
    is_conversion_session,
    session_revenue,
    transaction_id,
    session_start_ts::date as session_date,
    touch.campaign_id as traffic_campaign_id,
    landing_source,
    landing_medium,
    landing_campaign,
    landing_page,
    funnel_depth,
    {{ funnel_steps | length }} as funnel_steps_total,
    currency,
    -- no purchase: nothing to convert (a purchase in a currency without a rate stays null and fails the contract)
    case when currency is null then 0
         else {{ gata_to_reporting('attributed.session_revenue', 'attributed.currency',
                                   'attributed.session_start_ts', tenant.reporting_currency) }}
    end as session_revenue_reporting,
    '{{ tenant.reporting_currency }}' as reporting_currency,
    source_load_ids
from attributed
-- the person identity resolution tied the visitor's device to (every device has one: anonymous at least)
left join (
    select analytics_id, user_key from {{ ref('int_identity__members') }}
    where member_type = 'client' and source_platform = '{{ connector }}'
) as client_members on client_members.analytics_id = attributed.user_pseudo_id
-- warm-up sessions fed the attribution window above; reported ones only from here
where {{ gata_an_reported(connector, 'attributed.session_end_ts') }}
{%- if sync %}
and exists (
    select 1 from sync_scope
    where sync_scope.client_id = attributed.user_pseudo_id and attributed.session_start_ts >= sync_scope.cutoff
)
{%- endif %}
{%- endmacro %}

{#- fct_events rows of one tool; traffic fields are the event's session's attributed source. -#}
{% macro gata_an_events(tenant, connector) -%}
{%- set conversion_events = gata_an_logic(tenant, connector, 'conversion_events', []) -%}
select
    e.tenant_slug,
    e.source_platform,
    e.event_id,
    e.event_name,
    e.event_ts as event_timestamp,
    e.client_id as user_pseudo_id,
    e.user_id,
    s.user_key,
    s.traffic_source,
    s.traffic_medium,
    s.traffic_campaign,
    e.geo_country,
    e.device_category,
    e.page_path,
    e.order_id as ecommerce_order_id,
    e.revenue as ecommerce_revenue,
    e.custom_properties,
    e.session_id,
    e.event_date,
    {%- if conversion_events | length > 0 %}
    coalesce(e.event_name in {{ gata_an_sql_list(conversion_events) }}, false)
    {%- else %}
    false
    {%- endif %} as is_conversion_event,
    e.currency,
    {{ gata_load_ids(['e._dlt_load_id']) }} as source_load_ids
from {{ gata_int(tenant, connector, 'events') }} as e
{%- if gata_sync_build() %}
-- a sync: the events of the sessions recomputed in fct_sessions
inner join ({{ gata_an_sync_scope(tenant, connector) }}) as sync_scope
    on sync_scope.client_id = e.client_id and e.event_ts >= sync_scope.cutoff
{%- endif %}
left join {{ ref('fct_sessions') }} as s
    on s.session_id = e.session_id and s.source_platform = '{{ connector }}'
where {{ gata_an_reported(connector, 'e.event_ts') }}
{%- endmacro %}
