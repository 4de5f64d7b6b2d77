{#-
  Amazon Ads Sponsored Products v3: campaigns, ad groups, product ads and the spAdvertisedProduct report.
  Ids are strings everywhere; money is a JSON number in the campaign's budget currency. Conversions are
  Amazon's 7-day purchases and sales (attributed within 7 days of the click). Our records carry no advertiser
  (profile) id, so account_id stays null; a product ad has no name: its advertised ASIN names it.
-#}

{#- Sponsored Products campaigns have no objective and no creation time: the start date stands in. -#}
{% macro gata_extract__amazon_ads_api_v1__campaigns(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    {{ gata_ads_canonical('campaigns', {
        'campaign_id': gata_ads_json('$.campaignId'),
        'campaign_name': gata_ads_json('$.name'),
        'status': gata_ads_json('$.state'),
        'daily_budget': "case when m.raw_data_payload->>'$.budget.budgetType' = 'DAILY'
            then (m.raw_data_payload->>'$.budget.budget')::decimal(18,2) end",
        'created_ts': gata_ads_json('$.startDate') ~ '::date',
    }) }},
    m.raw_data_payload->>'$.portfolioId' as portfolio_id,
    m.raw_data_payload->>'$.targetingType' as targeting_type,
    (m.raw_data_payload->>'$.budget.budget')::decimal(18,2) as budget,
    m.raw_data_payload->>'$.budget.budgetType' as budget_type,
    m.raw_data_payload->>'$.dynamicBidding.strategy' as bidding_strategy,
    (m.raw_data_payload->>'$.endDate')::date as end_date
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__amazon_ads_api_v1__ad_groups(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    {{ gata_ads_canonical('ad_groups', {
        'ad_group_id': gata_ads_json('$.adGroupId'),
        'ad_group_name': gata_ads_json('$.name'),
        'campaign_id': gata_ads_json('$.campaignId'),
    }) }},
    m.raw_data_payload->>'$.state' as state,
    (m.raw_data_payload->>'$.defaultBid')::decimal(18,2) as default_bid
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__amazon_ads_api_v1__product_ads(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    {{ gata_ads_canonical('ads', {
        'ad_id': gata_ads_json('$.adId'),
        'ad_name': gata_ads_json('$.asin'),
        'ad_group_id': gata_ads_json('$.adGroupId'),
    }) }},
    m.raw_data_payload->>'$.campaignId' as campaign_id,
    m.raw_data_payload->>'$.sku' as sku,
    m.raw_data_payload->>'$.state' as state
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__amazon_ads_api_v1__advertised_product_report(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    {{ gata_ads_canonical('report', {
        'report_date': gata_ads_json('$.date'),
        'campaign_id': gata_ads_json('$.campaignId'),
        'ad_group_id': gata_ads_json('$.adGroupId'),
        'ad_id': gata_ads_json('$.adId'),
        'spend': gata_ads_json('$.cost'),
        'impressions': gata_ads_json('$.impressions'),
        'clicks': gata_ads_json('$.clicks'),
        'conversions': gata_ads_json('$.purchases7d'),
        'conversions_value': gata_ads_json('$.sales7d'),
        'currency': gata_ads_json('$.campaignBudgetCurrencyCode'),
        'campaign_name': gata_ads_json('$.campaignName'),
        'ad_group_name': gata_ads_json('$.adGroupName'),
        'ad_name': gata_ads_json('$.advertisedAsin'),
    }) }},
    m.raw_data_payload->>'$.advertisedSku' as advertised_sku,
    (m.raw_data_payload->>'$.unitsSoldClicks7d')::bigint as units_sold_7d
from {{ slice }} as m
{%- endmacro %}
