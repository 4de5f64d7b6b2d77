{#-
  Amazon Ads Sponsored Products v3: campaigns, ad groups, product ads and the spAdvertisedProduct report.
  Ids are strings everywhere; money is a JSON number in the campaign's budget currency. Conversions are
  Amazon's 7-day purchases and sales (attributed within 7 days of the click). Our records carry no advertiser
  (profile) id, so account_id stays null; a product ad has no name: its advertised ASIN names it.
-#}

{#- Sponsored Products campaigns have no objective and no creation time: the start date stands in. -#}
{% macro gata_extract__amazon_ads_api_v1__campaigns(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('campaigns', {
        'campaign_id': '$.campaignId', 'campaign_name': '$.name', 'status': '$.state',
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
    {{ gata_ads_canonical('ad_groups', {
        'ad_group_id': '$.adGroupId', 'ad_group_name': '$.name', 'campaign_id': '$.campaignId', 'status': '$.state',
    }) }},
    (m.raw_data_payload->>'$.defaultBid')::decimal(18,2) as default_bid
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__amazon_ads_api_v1__product_ads(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('ads', {
        'ad_id': '$.adId', 'ad_name': '$.asin', 'ad_group_id': '$.adGroupId', 'campaign_id': '$.campaignId',
        'status': '$.state',
    }) }},
    m.raw_data_payload->>'$.sku' as sku
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__amazon_ads_api_v1__advertised_product_report(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('report', {
        'report_date': '$.date', 'campaign_id': '$.campaignId', 'ad_group_id': '$.adGroupId', 'ad_id': '$.adId',
        'spend': '$.cost', 'impressions': '$.impressions', 'clicks': '$.clicks',
        'conversions': '$.purchases7d', 'conversions_value': '$.sales7d', 'currency': '$.campaignBudgetCurrencyCode',
        'campaign_name': '$.campaignName', 'ad_group_name': '$.adGroupName', 'ad_name': '$.advertisedAsin',
    }) }},
    m.raw_data_payload->>'$.advertisedSku' as advertised_sku,
    (m.raw_data_payload->>'$.unitsSoldClicks7d')::bigint as units_sold_7d
from {{ slice }} as m
{%- endmacro %}
