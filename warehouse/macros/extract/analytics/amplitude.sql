{#-
  Amplitude Export API events (native session_id = session start in epoch ms, -1 for out-of-session
  events; device_id; property bags) and user profiles (amplitude_id, user_id, device_ids, email).
-#}

{% macro gata_extract__amplitude_api_v1__events(tenant, connector, slice) -%}
{%- set mapped = ['page_path', 'page_url', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_id',
                  'order_id', 'revenue', 'currency'] -%}
with parsed_rows as (
    -- the payload and the event property bag are parsed once each, into the fields used
    select
        m.*,
        json_transform(m.raw_data_payload, '{
            "event_type": "VARCHAR", "event_time": "VARCHAR", "client_event_time": "VARCHAR",
            "event_id": "BIGINT", "device_id": "VARCHAR", "amplitude_id": "BIGINT", "user_id": "VARCHAR",
            "session_id": "BIGINT", "country": "VARCHAR", "device_family": "VARCHAR", "device_type": "VARCHAR",
            "event_properties": "JSON"
        }') as r
    from {{ slice }} as m
),
raw_fields as (
    select
        m.*,
        json_transform(m.r.event_properties, '{
            "page_path": "VARCHAR", "page_url": "VARCHAR", "referrer": "VARCHAR", "utm_source": "VARCHAR",
            "utm_medium": "VARCHAR", "utm_campaign": "VARCHAR", "utm_id": "VARCHAR", "gclid": "VARCHAR",
            "order_id": "VARCHAR", "revenue": "DOUBLE", "currency": "VARCHAR"
        }') as p
    from parsed_rows as m
),
typed_events as (
    select
        {{ gata_int_metadata() }},
        m.natural_id as event_id,
        m.r.event_type as event_name,
        -- event_time is UTC, 'YYYY-MM-DD HH:MM:SS.ffffff'
        try_cast(coalesce(m.r.event_time, m.r.client_event_time) as timestamp) as event_ts,
        try_cast(coalesce(m.r.event_time, m.r.client_event_time) as timestamp)::date as event_date,
        m.r.event_id as event_sequence,
        coalesce(m.r.device_id, m.r.amplitude_id::varchar, 'event:' || m.natural_id) as client_id,
        m.r.amplitude_id,
        nullif(m.r.user_id, '') as user_id,
        -- -1 (or nothing) marks an out-of-session event: sessionized by inactivity instead
        case when m.r.session_id > 0 then m.r.session_id::varchar end as native_session_id,
        m.p.page_url as page_location,
        coalesce(m.p.page_path, {{ gata_an_url_path('m.p.page_url') }}) as page_path,
        m.p.referrer as page_referrer,
        coalesce(m.p.utm_source, {{ gata_an_url_param('m.p.page_url', 'utm_source') }}) as utm_source,
        coalesce(m.p.utm_medium, {{ gata_an_url_param('m.p.page_url', 'utm_medium') }}) as utm_medium,
        coalesce(m.p.utm_campaign, {{ gata_an_url_param('m.p.page_url', 'utm_campaign') }}) as utm_campaign,
        coalesce(m.p.utm_id, {{ gata_an_url_param('m.p.page_url', 'utm_id') }}) as utm_campaign_id,
        coalesce(m.p.gclid, {{ gata_an_url_param('m.p.page_url', 'gclid') }}) as gclid,
        m.r.country as geo_country,
        coalesce(m.r.device_family, m.r.device_type) as device_category,
        nullif(m.p.order_id, '') as order_id,
        case when nullif(m.p.order_id, '') is not null then m.p.revenue::decimal(18, 2) end as revenue,
        m.p.currency,
        json_merge_patch(m.r.event_properties, {{ gata_an_json_removing(mapped) }}) as custom_properties
    from raw_fields as m
),
with_referrer as (
    select *, {{ gata_an_referrer_columns() }}
    from typed_events
),
traffic as (
    select
        * exclude (referrer_host, referrer_engine),
        {{ gata_an_traffic_columns() }}
    from with_referrer
)
select * from traffic
{%- endmacro %}

{% macro gata_extract__amplitude_api_v1__users(tenant, connector, slice) -%}
with parsed_rows as (
    select
        m.*,
        json_transform(m.raw_data_payload, '{
            "amplitude_id": "BIGINT", "user_id": "VARCHAR", "device_ids": ["VARCHAR"], "first_used": "VARCHAR",
            "country": "VARCHAR", "city": "VARCHAR", "platform": "VARCHAR",
            "user_properties": {"email": "VARCHAR", "$email": "VARCHAR"}
        }') as r
    from {{ slice }} as m
)
select
    {{ gata_int_metadata() }},
    m.r.amplitude_id,
    nullif(m.r.user_id, '') as user_id,
    coalesce(m.r.device_ids, []::varchar[]) as device_ids,
    nullif(lower(trim(coalesce(m.r.user_properties.email, m.r.user_properties."$email"))), '') as email,
    try_cast(m.r.first_used as date) as first_used_date,
    m.r.country as geo_country,
    m.r.city as geo_city,
    m.r.platform,
    m.raw_data_payload -> 'user_properties' as user_properties
from parsed_rows as m
{%- endmacro %}
