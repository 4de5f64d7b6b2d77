{#-
  Mixpanel raw export events {event, properties{time (epoch s), distinct_id, $insert_id, $device_id,
  $user_id, $current_url, $referrer, utm_*, ...}} and Engage people {$distinct_id, $properties{$email, ...}}.
  No native session: sessionized by inactivity per device.
-#}

{% macro gata_extract__mixpanel_api_v1__events(tenant, connector, slice) -%}
{%- set mapped = ['time', 'distinct_id', '$insert_id', '$device_id', '$user_id', '$current_url', '$referrer',
                  '$referring_domain', 'mp_country_code', '$device_type', 'path', 'utm_source', 'utm_medium',
                  'utm_campaign', 'utm_id', 'order_id', 'revenue', 'currency'] -%}
with parsed_rows as (
    -- the property bag is parsed once, into the fields used
    select
        m.*,
        m.raw_data_payload ->> 'event' as event_name,
        m.raw_data_payload -> 'properties' as props
    from {{ slice }} as m
),
raw_fields as (
    select
        m.*,
        json_transform(m.props, '{
            "time": "BIGINT", "distinct_id": "VARCHAR", "$device_id": "VARCHAR", "$user_id": "VARCHAR",
            "$current_url": "VARCHAR", "$referrer": "VARCHAR", "path": "VARCHAR", "utm_source": "VARCHAR",
            "utm_medium": "VARCHAR", "utm_campaign": "VARCHAR", "utm_id": "VARCHAR", "gclid": "VARCHAR",
            "mp_country_code": "VARCHAR", "$device_type": "VARCHAR", "order_id": "VARCHAR", "revenue": "DOUBLE",
            "currency": "VARCHAR"
        }') as p
    from parsed_rows as m
),
typed_events as (
    select
        {{ gata_int_metadata() }},
        m.natural_id as event_id,
        m.event_name,
        make_timestamp(m.p.time * 1000000) as event_ts,
        null::bigint as event_sequence,
        m.p.distinct_id,
        -- the device, also after login when distinct_id becomes the user id
        coalesce(m.p."$device_id", regexp_replace(m.p.distinct_id, '^\$device:', ''), 'event:' || m.natural_id)
            as client_id,
        coalesce(m.p."$user_id",
                 case when not starts_with(m.p.distinct_id, '$device:') then m.p.distinct_id end) as user_id,
        null::varchar as native_session_id,
        m.p."$current_url" as page_location,
        coalesce(m.p.path, {{ gata_an_url_path('m.p."$current_url"') }}) as page_path,
        m.p."$referrer" as page_referrer,
        coalesce(m.p.utm_source, {{ gata_an_url_param('m.p."$current_url"', 'utm_source') }}) as utm_source,
        coalesce(m.p.utm_medium, {{ gata_an_url_param('m.p."$current_url"', 'utm_medium') }}) as utm_medium,
        coalesce(m.p.utm_campaign, {{ gata_an_url_param('m.p."$current_url"', 'utm_campaign') }}) as utm_campaign,
        coalesce(m.p.utm_id, {{ gata_an_url_param('m.p."$current_url"', 'utm_id') }}) as utm_campaign_id,
        coalesce(m.p.gclid, {{ gata_an_url_param('m.p."$current_url"', 'gclid') }}) as gclid,
        {{ gata_an_country_name('m.p.mp_country_code') }} as geo_country,
        m.p."$device_type" as device_category,
        nullif(m.p.order_id, '') as order_id,
        case when nullif(m.p.order_id, '') is not null then m.p.revenue::decimal(18, 2) end as revenue,
        m.p.currency,
        json_merge_patch(m.props, {{ gata_an_json_removing(mapped) }}) as custom_properties
    from raw_fields as m
),
with_referrer as (
    select *, event_ts::date as event_date, {{ gata_an_referrer_columns() }}
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

{% macro gata_extract__mixpanel_api_v1__people(tenant, connector, slice) -%}
with parsed_rows as (
    select
        m.*,
        json_transform(m.raw_data_payload, '{
            "$distinct_id": "VARCHAR",
            "$properties": {"$email": "VARCHAR", "$first_name": "VARCHAR", "$last_name": "VARCHAR",
                            "$created": "VARCHAR", "$city": "VARCHAR", "$country_code": "VARCHAR",
                            "customer_id": "VARCHAR"}
        }') as r
    from {{ slice }} as m
)
select
    {{ gata_int_metadata() }},
    m.r."$distinct_id" as distinct_id,
    -- identified profiles are keyed by the login id; anonymous ones by the device
    coalesce(nullif(m.r."$properties".customer_id, ''),
             case when not starts_with(m.r."$distinct_id", '$device:') then m.r."$distinct_id" end) as user_id,
    nullif(lower(trim(m.r."$properties"."$email")), '') as email,
    m.r."$properties"."$first_name" as first_name,
    m.r."$properties"."$last_name" as last_name,
    try_cast(m.r."$properties"."$created" as timestamp) as created_ts,
    m.r."$properties"."$city" as geo_city,
    {{ gata_an_country_name('m.r."$properties"."$country_code"') }} as geo_country,
    m.raw_data_payload -> '$."$properties"' as properties
from parsed_rows as m
{%- endmacro %}
