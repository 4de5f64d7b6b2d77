{#-
  GA4 BigQuery export events: one row per event, session and page data inside the event_params
  key/value array, event-level campaign tags in collected_traffic_source, ecommerce on purchases.
  The record is parsed once per row into a struct (params as a typed list); a missing key is null.
-#}

{#- A GA4 event param by key from the parsed row's event_params (`m.r`); kind: string, int or number. -#}
{% macro gata_an_ga4_param(key, kind='string') -%}
{%- set value = "list_filter(m.r.event_params, lambda p: p.key = '" ~ key ~ "')[1].value" -%}
{%- if kind == 'int' -%}
coalesce({{ value }}.int_value, try_cast({{ value }}.string_value as bigint))
{%- elif kind == 'number' -%}
coalesce({{ value }}.double_value, {{ value }}.float_value, {{ value }}.int_value::double,
         try_cast({{ value }}.string_value as double))
{%- else -%}
coalesce({{ value }}.string_value, {{ value }}.int_value::varchar)
{%- endif -%}
{%- endmacro %}

{% macro gata_extract__google_analytics_api_v1__events(tenant, connector, slice) -%}
{%- set mapped = ['ga_session_id', 'page_location', 'page_referrer', 'source', 'medium', 'campaign',
                  'transaction_id', 'value', 'currency'] -%}
with parsed_rows as (
    -- the payload is parsed once into the fields used (re-reading JSON per field costs a parse each)
    select
        m.*,
        json_transform(m.raw_data_payload, '{
            "event_name": "VARCHAR", "event_timestamp": "BIGINT", "batch_event_index": "BIGINT",
            "user_pseudo_id": "VARCHAR", "user_id": "VARCHAR", "stream_id": "VARCHAR",
            "event_params": [{"key": "VARCHAR", "value": {"string_value": "VARCHAR", "int_value": "BIGINT",
                                                          "float_value": "DOUBLE", "double_value": "DOUBLE"}}],
            "collected_traffic_source": {"manual_source": "VARCHAR", "manual_medium": "VARCHAR",
                                         "manual_campaign_name": "VARCHAR", "manual_campaign_id": "VARCHAR",
                                         "gclid": "VARCHAR"},
            "geo": {"country": "VARCHAR"},
            "device": {"category": "VARCHAR"},
            "ecommerce": {"transaction_id": "VARCHAR", "purchase_revenue": "DOUBLE"}
        }') as r
    from {{ slice }} as m
),
raw_fields as (
    select
        {{ gata_int_metadata() }},
        m.natural_id as event_id,
        m.r.event_name,
        make_timestamp(m.r.event_timestamp) as event_ts,
        m.r.batch_event_index as event_sequence,
        m.r.user_pseudo_id,
        nullif(m.r.user_id, '') as user_id,
        {{ gata_an_ga4_param('ga_session_id', 'int') }} as ga_session_id,
        {{ gata_an_ga4_param('ga_session_number', 'int') }} as ga_session_number,
        {{ gata_an_ga4_param('page_location') }} as page_location,
        {{ gata_an_ga4_param('page_referrer') }} as page_referrer,
        m.r.collected_traffic_source as collected,
        {{ gata_an_ga4_param('source') }} as param_source,
        {{ gata_an_ga4_param('medium') }} as param_medium,
        {{ gata_an_ga4_param('campaign') }} as param_campaign,
        m.r.geo.country as geo_country,
        m.r.device.category as device_category,
        nullif(nullif(coalesce(m.r.ecommerce.transaction_id, {{ gata_an_ga4_param('transaction_id') }}), ''),
               '(not set)') as order_id,
        coalesce(m.r.ecommerce.purchase_revenue, {{ gata_an_ga4_param('value', 'number') }}) as purchase_value,
        {{ gata_an_ga4_param('currency') }} as currency,
        m.r.stream_id,
        -- params not mapped to columns, as one object {key: value}
        to_json(map_from_entries(list_transform(
            list_filter(m.r.event_params, lambda p: p.key not in {{ gata_an_sql_list(mapped) }}),
            lambda p: (p.key, coalesce(to_json(p.value.string_value), to_json(p.value.int_value),
                                       to_json(p.value.double_value), to_json(p.value.float_value)))
        ))) as custom_properties
    from parsed_rows as m
),
typed_events as (
    select
        * exclude (user_pseudo_id, purchase_value, collected, param_source, param_medium, param_campaign),
        -- campaign tags: collected_traffic_source, then the event's source params, then the landing URL
        coalesce(collected.manual_source, param_source,
                 {{ gata_an_url_param('page_location', 'utm_source') }}) as utm_source,
        coalesce(collected.manual_medium, param_medium,
                 {{ gata_an_url_param('page_location', 'utm_medium') }}) as utm_medium,
        coalesce(collected.manual_campaign_name, param_campaign,
                 {{ gata_an_url_param('page_location', 'utm_campaign') }}) as utm_campaign,
        coalesce(collected.manual_campaign_id, {{ gata_an_url_param('page_location', 'utm_id') }})
            as utm_campaign_id,
        coalesce(collected.gclid, {{ gata_an_url_param('page_location', 'gclid') }}) as gclid,
        event_ts::date as event_date,
        -- consent-denied hits have no pseudo id: each stays on its own rather than pooling strangers
        coalesce(user_pseudo_id, 'event:' || event_id) as client_id,
        ga_session_id::varchar as native_session_id,
        {{ gata_an_url_path('page_location') }} as page_path,
        case when order_id is not null then purchase_value::decimal(18, 2) end as revenue,
        {{ gata_an_referrer_columns() }}
    from raw_fields
),
traffic as (
    select
        * exclude (referrer_host, referrer_engine),
        {{ gata_an_traffic_columns() }}
    from typed_events
)
select * from traffic
{%- endmacro %}
