{#-
  What the three analytics extractions share. Every tool's intermediate events model ends with the same
  typed columns (so one engine body serves all three):

    event_id, event_name, event_ts (timestamp, UTC), event_date, event_sequence (tie-breaker within a
    timestamp), client_id (device / client id), user_id (login id), native_session_id, page_location,
    page_path, page_referrer, utm_source, utm_medium, utm_campaign, utm_campaign_id (as tagged),
    source, medium, campaign, campaign_id (traffic the event carries: tags, gclid or referrer; null when
    the event carries none), geo_country, device_category, order_id, revenue, currency,
    custom_properties (json), session_id

  plus the metadata columns of gata_int_metadata() and a few tool-specific extras.
-#}

{#- A SQL string literal, quotes escaped. -#}
{% macro gata_an_sql_string(value) -%}
'{{ value | replace("'", "''") }}'
{%- endmacro %}

{#- A parenthesised SQL list of string literals: ('a', 'b'). -#}
{% macro gata_an_sql_list(values) -%}
({%- for v in values %}{{ gata_an_sql_string(v) }}{{ ", " if not loop.last }}{% endfor -%})
{%- endmacro %}

{#- A JSON object's value by key as text; works for keys JSONPath would misread ('$insert_id'). -#}
{% macro gata_an_json_text(json, key) -%}
json_extract_string({{ json }}, '$."{{ key }}"')
{%- endmacro %}

{#- A JSON merge patch that removes the given keys (json_merge_patch(obj, patch) drops them). -#}
{% macro gata_an_json_removing(keys) -%}
{%- set parts = [] -%}
{%- for k in keys -%}{%- do parts.append('"' ~ k ~ '": null') -%}{%- endfor -%}
'{{ "{" ~ (parts | join(", ")) ~ "}" }}'
{%- endmacro %}

{#- One analytics logic value of the tenant's tool (already resolved per tool by the scaffolder). -#}
{% macro gata_an_logic(tenant, connector, key, default=none) -%}
{%- set logic = tenant.sources[connector].logic or {} -%}
{%- set value = logic.get(key) -%}
{{ return(default if value is none else value) }}
{%- endmacro %}

{#- A query-string parameter of a URL, decoded; null when absent or empty. -#}
{% macro gata_an_url_param(url, name) -%}
nullif(url_decode(replace(regexp_extract({{ url }}, '[?&]{{ name }}=([^&#]*)', 1), '+', ' ')), '')
{%- endmacro %}

{#- Path of a URL ('/' when the URL has none); null for a null URL. -#}
{% macro gata_an_url_path(url) -%}
case when {{ url }} is not null
     then coalesce(nullif(regexp_extract({{ url }}, '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*([^?#]*)', 1), ''), '/')
end
{%- endmacro %}

{#- Host of a URL, lower case, without a leading www. -#}
{% macro gata_an_url_host(url) -%}
nullif(regexp_replace(lower(regexp_extract({{ url }}, '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#:]+)', 1)), '^www\.', ''), '')
{%- endmacro %}

{#- Mixpanel gives ISO country codes; the other tools names. One vocabulary in the marts: names. -#}
{% macro gata_an_country_name(code) -%}
case upper({{ code }})
    when 'US' then 'United States' when 'GB' then 'United Kingdom' when 'UK' then 'United Kingdom'
    when 'DE' then 'Germany' when 'CA' then 'Canada' when 'FR' then 'France' when 'AU' then 'Australia'
    when 'NL' then 'Netherlands' when 'ES' then 'Spain' when 'IT' then 'Italy' when 'IE' then 'Ireland'
    when 'BE' then 'Belgium' when 'CH' then 'Switzerland' when 'AT' then 'Austria' when 'SE' then 'Sweden'
    when 'NO' then 'Norway' when 'DK' then 'Denmark' when 'FI' then 'Finland' when 'PT' then 'Portugal'
    when 'PL' then 'Poland' when 'JP' then 'Japan' when 'NZ' then 'New Zealand' when 'BR' then 'Brazil'
    when 'MX' then 'Mexico' when 'IN' then 'India' when 'SG' then 'Singapore'
    else {{ code }}
end
{%- endmacro %}

{#-
  Traffic an event carries, GA4-style: campaign tags (utm_* or collected_traffic_source) win; a gclid
  without tags is google / cpc; otherwise the referrer: a search engine is <engine> / organic, another
  site <domain> / referral (self-referrals ignored). Null when the event carries nothing; the session's
  landing source is then decided in the engine ((direct) / (none) when no event of the session has one).
  Expects the columns utm_source, utm_medium, utm_campaign, utm_campaign_id, gclid, page_referrer and
  page_location.
-#}
{% macro gata_an_traffic_columns() -%}
        case
            when utm_source is not null or utm_medium is not null then coalesce(utm_source, '(not set)')
            when gclid is not null then 'google'
            when referrer_engine is not null then referrer_engine
            else referrer_host
        end as source,
        case
            when utm_source is not null or utm_medium is not null then coalesce(utm_medium, '(not set)')
            when gclid is not null then 'cpc'
            when referrer_engine is not null then 'organic'
            when referrer_host is not null then 'referral'
        end as medium,
        case when utm_source is not null or utm_medium is not null or gclid is not null then utm_campaign end
            as campaign,
        case when utm_source is not null or utm_medium is not null or gclid is not null then utm_campaign_id end
            as campaign_id
{%- endmacro %}

{#- Referrer host (external only) and search engine, for gata_an_traffic_columns(). -#}
{% macro gata_an_referrer_columns() -%}
        case when {{ gata_an_url_host('page_referrer') }} is distinct from {{ gata_an_url_host('page_location') }}
             then {{ gata_an_url_host('page_referrer') }} end as referrer_host,
        case when {{ gata_an_url_host('page_referrer') }} is distinct from {{ gata_an_url_host('page_location') }}
             then nullif(regexp_extract({{ gata_an_url_host('page_referrer') }},
                  '(?:^|\.)(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|naver|seznam)\.[a-z.]+$', 1), '')
        end as referrer_engine
{%- endmacro %}

{#-
  Sessionization over a CTE of typed events (`relation`), returning the CTEs that end in `sessionized`
  (the input plus session_id). Per client id, ordered by time: a new session starts when the gap to the
  previous event exceeds the timeout (a gap of exactly the timeout stays in the session). With
  use_native (Amplitude) an event's native session id is the session; events without one fall back to
  the inactivity rule among themselves. session_id = '<connector>:<client id>:<native id or start µs>',
  unique across the tenant's tools.
-#}
{% macro gata_an_sessionize(relation, connector, timeout_minutes, use_native=false) -%}
{%- set partition -%}
client_id{% if use_native %}, native_session_id is null{% endif %}
{%- endset -%}
{%- if gata_sync_build() %}
-- a sync: the sessions new events can extend or join (ending within the timeout before the client's first
-- new event, or later) are cut again together with the new events
arriving as (
    select client_id, min(event_ts) as first_new from {{ relation }} group by client_id
),
reopened as (
    select held.client_id, min(held.session_start) as cutoff
    from (
        select client_id, session_id, min(event_ts) as session_start, max(event_ts) as session_end
        from {{ this }}
        where client_id in (select client_id from arriving)
        group by client_id, session_id
    ) as held
    inner join arriving on arriving.client_id = held.client_id
    where held.session_end >= arriving.first_new - interval ({{ timeout_minutes }}) minute
    group by held.client_id
),
with_reopened as (
    select * from {{ relation }}
    union all by name
    select held.* exclude (session_id)
    from {{ this }} as held
    inner join reopened on reopened.client_id = held.client_id
    where held.event_ts >= reopened.cutoff
      and held.natural_id not in (select natural_id from {{ relation }})
),
{%- set relation = 'with_reopened' %}
{%- endif %}
-- the session cut reads a narrow projection (sorting the wide rows twice cost more than all the rest), and its
-- session ids are joined back to the rows by their unique natural id
session_breaks as (
    select
        natural_id, client_id, {% if use_native %}native_session_id, {% endif %}event_ts, event_sequence, event_id,
        case
            when lag(event_ts) over client_events is null then 1
            -- inactivity longer than the timeout starts a new session
            when event_ts > lag(event_ts) over client_events + interval ({{ timeout_minutes }}) minute then 1
            else 0
        end as starts_session
    from {{ relation }}
    window client_events as (partition by {{ partition }} order by event_ts, event_sequence, event_id)
),
session_numbers as (
    select
        *,
        sum(starts_session) over (
            partition by {{ partition }} order by event_ts, event_sequence, event_id
            rows between unbounded preceding and current row
        ) as client_session_number
    from session_breaks
),
session_keys as (
    select
        natural_id,
        '{{ connector }}:' || client_id || ':' || (
            {%- if use_native %}
            case when native_session_id is not null then native_session_id else
            {%- endif %}
            epoch_us(min(event_ts) over (partition by {{ partition }}, client_session_number))::varchar
            {%- if use_native %} end{% endif -%}
        ) as session_id
    from session_numbers
),
sessionized as (
    select events.*, session_keys.session_id
    from {{ relation }} as events
    inner join session_keys on session_keys.natural_id = events.natural_id
)
{%- endmacro %}

{#-
  A tool's sessionized events: its parsed events (`parsed`, the model its extraction fills) cut into sessions
  by the tenant's logic (the inactivity timeout). Parsing does not depend on logic and sessionizing does, so
  they are two models: replay re-cuts sessions from the parsed rows without parsing a payload again. A sync
  takes the parsed rows of loads newer than the ones it holds, as the extraction takes the master's.
-#}
{% macro gata_an_sessionized_events(tenant, connector, parsed, use_native=false) -%}
with parsed_events as (
    select * from {{ parsed }}
    {%- if gata_sync_build() %}
    where _dlt_load_id > '{{ gata_watermark() }}'
    {%- endif %}
),
{{ gata_an_sessionize('parsed_events', connector, gata_an_logic(tenant, connector, 'session_timeout_minutes', 30),
                      use_native) }}
select * from sessionized
{%- endmacro %}
