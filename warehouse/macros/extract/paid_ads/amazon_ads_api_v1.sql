{#-
  Amazon Ads Sponsored Products v3: campaigns, ad groups, product ads and the spAdvertisedProduct report.
  Ids are strings everywhere; money is a JSON number in the campaign's budget currency. Conversions are
  Amazon's 7-day purchases and sales (attributed within 7 days of the click).
-#}

{% macro gata_extract__amazon_ads_api_v1__campaigns(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$.campaignId' as campaign_id,
    m.raw_data_payload->>'$.portfolioId' as portfolio_id,
    m.raw_data_payload->>'$.name' as campaign_name,
    m.raw_data_payload->>'$.state' as state,
    m.raw_data_payload->>'$.targetingType' as targeting_type,
    (m.raw_data_payload->>'$.budget.budget')::decimal(18,2) as budget,
    m.raw_data_payload->>'$.budget.budgetType' as budget_type,
    m.raw_data_payload->>'$.dynamicBidding.strategy' as bidding_strategy,
    (m.raw_data_payload->>'$.startDate')::date as start_date,
    (m.raw_data_payload->>'$.endDate')::date as end_date
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__amazon_ads_api_v1__ad_groups(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$.adGroupId' as ad_group_id,
    m.raw_data_payload->>'$.campaignId' as campaign_id,
    m.raw_data_payload->>'$.name' as ad_group_name,
    m.raw_data_payload->>'$.state' as state,
    (m.raw_data_payload->>'$.defaultBid')::decimal(18,2) as default_bid
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__amazon_ads_api_v1__product_ads(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$.adId' as ad_id,
    m.raw_data_payload->>'$.adGroupId' as ad_group_id,
    m.raw_data_payload->>'$.campaignId' as campaign_id,
    m.raw_data_payload->>'$.asin' as asin,
    m.raw_data_payload->>'$.sku' as sku,
    m.raw_data_payload->>'$.state' as state
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__amazon_ads_api_v1__advertised_product_report(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    (m.raw_data_payload->>'$.date')::date as report_date,
    m.raw_data_payload->>'$.campaignId' as campaign_id,
    m.raw_data_payload->>'$.adGroupId' as ad_group_id,
    m.raw_data_payload->>'$.adId' as ad_id,
    m.raw_data_payload->>'$.campaignName' as campaign_name,
    m.raw_data_payload->>'$.adGroupName' as ad_group_name,
    m.raw_data_payload->>'$.advertisedAsin' as advertised_asin,
    m.raw_data_payload->>'$.advertisedSku' as advertised_sku,
    m.raw_data_payload->>'$.campaignBudgetCurrencyCode' as currency,
    (m.raw_data_payload->>'$.impressions')::bigint as impressions,
    (m.raw_data_payload->>'$.clicks')::bigint as clicks,
    (m.raw_data_payload->>'$.cost')::decimal(18,2) as spend,
    (m.raw_data_payload->>'$.purchases7d')::double as purchases_7d,
    (m.raw_data_payload->>'$.sales7d')::decimal(18,2) as sales_7d,
    (m.raw_data_payload->>'$.unitsSoldClicks7d')::bigint as units_sold_7d
from {{ slice }} as m
{%- endmacro %}
