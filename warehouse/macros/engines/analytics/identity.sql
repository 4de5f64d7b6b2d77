{#-
  Identity resolution: analytics client ids, login user ids, emails and orders joined into people.

  Every record (an analytics client id, an order, a profile) gets a person key by the strongest link it has:
    client id  user id seen on it (events or the tool's profile)       -> user:<id>   link user_id
               else its purchase's order (transaction id = order id):
                 the order's customer id, or the login id its email names -> user:<id>   link transaction
                 else the order's email                                  -> email:<e>   link transaction
               else                                                      -> client:...  link anonymous
    order      customer id                                               -> user:<id>   link user_id
               email naming exactly one login id (orders, profiles)      -> user:<id>   link email
               the client id that bought it, unless the order's email
                 contradicts the email that person is known by           -> its key     link transaction
               guest email                                               -> email:<e>   link email
    profile    login id                                                  -> user:<id>   link user_id
  A person is a key; its resolution is the strongest link of its client ids and orders (user_id > email >
  transaction > anonymous). Nothing is merged on ambiguous evidence: a transaction id naming several orders
  or an email naming several login ids links nothing, a client's several purchases use one order, and a
  guest order whose email contradicts the buyer's known email stays apart, so distinct guests stay distinct.
-#}

{#- Profiles of the tenant's analytics tools: (source_platform, client_id, user_id, email). -#}
{% macro gata_an_identity_profiles(tenant) -%}
{%- set parts = [] -%}
{%- if 'amplitude' in tenant.sources -%}
{%- do parts.append(
    "select source_platform, unnest(case when len(device_ids) > 0 then device_ids else [null::varchar] end)"
    ~ " as client_id, user_id, email, _dlt_load_id from " ~ gata_int(tenant, 'amplitude', 'users')) -%}
{%- endif -%}
{%- if 'mixpanel' in tenant.sources -%}
{%- do parts.append(
    "select source_platform, null::varchar as client_id, user_id, email, _dlt_load_id from "
    ~ gata_int(tenant, 'mixpanel', 'people')) -%}
{%- endif -%}
{%- if parts | length == 0 -%}
select null::varchar as source_platform, null::varchar as client_id, null::varchar as user_id,
       null::varchar as email, null::varchar as _dlt_load_id
where false
{%- else -%}
{{ parts | join('\nunion all\n') }}
{%- endif -%}
{%- endmacro %}

{#-
  The sessions identity reads, rolled up from each tool's intermediate events with fct_sessions' own
  aggregates (login id: the session's last; transaction: its first purchase). Read here rather than from
  fct_sessions because fct_sessions carries the resolved user_key: the resolution comes first. Warm-up
  sessions (before the first reported day) link devices to logins and orders; only reported ones count.
-#}
{% macro gata_an_identity_sessions(tenant) -%}
{%- set parts = [] -%}
{%- for connector in tenant.sources | sort if tenant.sources[connector].domain == 'analytics' -%}
{%- set part -%}
select
    any_value(source_platform) as source_platform,
    any_value(client_id) as client_id,
    arg_max(user_id, {{ gata_an_event_key() }}) filter (where user_id is not null) as user_id,
    -- every login id the session's events carry (fct_events' user_id): what login_ids_that_bought counts
    coalesce(list(distinct user_id) filter (where user_id is not null), []::varchar[]) as reported_user_ids,
    min(event_ts) as session_start_ts,
    max(event_ts) as session_end_ts,
    arg_min(order_id, {{ gata_an_event_key() }}) filter (where order_id is not null) as transaction_id,
    {{ gata_load_ids_agg('_dlt_load_id') }} as source_load_ids,
    {{ gata_an_reported(connector, 'max(event_ts)') }} as is_reported
from {{ gata_int(tenant, connector, 'events') }}
group by session_id
{%- endset -%}
{%- do parts.append(part) -%}
{%- endfor -%}
{%- if parts | length == 0 -%}
select null::varchar as source_platform, null::varchar as client_id, null::varchar as user_id,
       []::varchar[] as reported_user_ids, null::timestamp as session_start_ts, null::timestamp as session_end_ts, null::varchar as transaction_id,
       []::varchar[] as source_load_ids, true as is_reported
where false
{%- else -%}
{{ parts | join('\nunion all\n') }}
{%- endif -%}
{%- endmacro %}

{#- A person's key in the star: the tenant and its person key, hashed (dim_users.user_key). -#}
{% macro gata_an_user_key(tenant, person_key) -%}
md5('{{ tenant.slug }}:' || {{ person_key }})
{%- endmacro %}

{#- The CTEs of identity resolution, ending in `members` (one row per record with its person key). -#}
{% macro gata_an_identity_ctes(tenant) -%}
sessions as (
    {{ gata_an_identity_sessions(tenant) }}
),
orders as (
    select
        source_platform,
        order_id,
        nullif(trim(customer_id), '') as customer_id,
        nullif(lower(trim(customer_email)), '') as email,
        order_ts,
        net_revenue_reporting,
        source_load_ids
    from {{ ref('fct_orders') }}
),
profiles as (
    select source_platform, client_id, nullif(trim(user_id), '') as user_id, nullif(lower(trim(email)), '') as email,
           _dlt_load_id
    from ({{ gata_an_identity_profiles(tenant) }}) as tool_profiles
),
clients as (
    -- the devices of reported sessions (fct_sessions'); their warm-up sessions still give them logins and orders
    select source_platform, client_id, count(*) as sessions, min(session_start_ts) as first_seen_ts,
           max(session_end_ts) as last_seen_ts, {{ gata_load_ids_agg('source_load_ids', nested=true) }} as load_ids
    from sessions
    where is_reported
    group by all
    union all
    -- clients only a profile knows (no session in the data)
    select p.source_platform, p.client_id, 0, null::timestamp, null::timestamp,
           {{ gata_load_ids_agg('p._dlt_load_id') }}
    from profiles as p
    where p.client_id is not null
      and not exists (select 1 from sessions as s
                      where s.source_platform = p.source_platform and s.client_id = p.client_id and s.is_reported)
    group by p.source_platform, p.client_id
),
client_logins as (
    -- the login id of a client: the latest one seen in its sessions, else its profile's
    select source_platform, client_id, user_id, session_start_ts as seen_ts, 1 as evidence
    from sessions
    where user_id is not null
    union all
    select source_platform, client_id, user_id, null, 2
    from profiles
    where client_id is not null and user_id is not null
),
client_user as (
    select source_platform, client_id,
           arg_min(user_id, (evidence, -epoch_us(coalesce(seen_ts, timestamp '1970-01-01')))) as user_id
    from client_logins
    group by all
),
unique_orders as (
    -- an order id a transaction id can name without ambiguity
    select order_id, any_value(customer_id) as customer_id, any_value(email) as email
    from orders
    group by order_id
    having count(*) = 1
),
client_orders as (
    select s.source_platform, s.client_id, s.session_start_ts, o.order_id, o.customer_id, o.email
    from sessions as s
    inner join unique_orders as o on o.order_id = s.transaction_id
),
client_latest_order as (
    -- a client with several purchases: prefer an order with a customer id, then the latest
    select source_platform, client_id,
           arg_max(struct_pack(order_id, customer_id, email),
                   (customer_id is not null, session_start_ts)) as purchase
    from client_orders
    group by all
),
login_emails as (
    select customer_id as user_id, email from orders where customer_id is not null and email is not null
    union
    select user_id, email from profiles where user_id is not null and email is not null
),
email_user as (
    -- an email names a login id only when it names exactly one
    select email, min(user_id) as user_id
    from login_emails
    group by email
    having count(distinct user_id) = 1
),
client_keys as (
    select
        c.source_platform,
        c.client_id,
        c.sessions,
        c.first_seen_ts,
        c.last_seen_ts,
        c.load_ids,
        case
            when cu.user_id is not null then 'user:' || cu.user_id
            when lo.purchase.customer_id is not null then 'user:' || lo.purchase.customer_id
            when eu.user_id is not null then 'user:' || eu.user_id
            when lo.purchase.email is not null then 'email:' || lo.purchase.email
            else 'client:' || c.source_platform || ':' || c.client_id
        end as person_key,
        case
            when cu.user_id is not null then 'user_id'
            when lo.purchase.order_id is not null
                 and coalesce(lo.purchase.customer_id, eu.user_id, lo.purchase.email) is not null then 'transaction'
            else 'anonymous'
        end as link
    from clients as c
    left join client_user as cu on cu.source_platform = c.source_platform and cu.client_id = c.client_id
    left join client_latest_order as lo on lo.source_platform = c.source_platform and lo.client_id = c.client_id
    left join email_user as eu on eu.email = lo.purchase.email
),
order_clients as (
    select co.order_id, arg_min(ck.person_key, co.session_start_ts) as person_key
    from client_orders as co
    inner join client_keys as ck on ck.source_platform = co.source_platform and ck.client_id = co.client_id
    group by co.order_id
),
emailed_logins as (
    select distinct user_id from login_emails
),
order_keys as (
    -- a guest order joins the client that bought it unless its email contradicts what that person is known by
    select
        o.source_platform,
        o.order_id,
        o.customer_id,
        o.email,
        o.order_ts,
        o.net_revenue_reporting,
        o.source_load_ids as load_ids,
        case
            when o.customer_id is not null then 'user:' || o.customer_id
            when eu.user_id is not null then 'user:' || eu.user_id
            when oc.person_key is not null
                 and (o.email is null or oc.person_key = 'email:' || o.email
                      or (starts_with(oc.person_key, 'user:') and el.user_id is null)) then oc.person_key
            when o.email is not null then 'email:' || o.email
            else 'order:' || o.source_platform || ':' || o.order_id
        end as person_key,
        case
            when o.customer_id is not null then 'user_id'
            when eu.user_id is not null then 'email'
            when oc.person_key is not null
                 and (o.email is null or oc.person_key = 'email:' || o.email
                      or (starts_with(oc.person_key, 'user:') and el.user_id is null)) then 'transaction'
            when o.email is not null then 'email'
            else 'anonymous'
        end as link
    from orders as o
    left join email_user as eu on eu.email = o.email
    left join order_clients as oc on oc.order_id = o.order_id
    left join emailed_logins as el on 'user:' || el.user_id = oc.person_key
),
members as (
    select person_key, link, 'client' as member_type, source_platform, client_id as analytics_id,
           null::varchar as order_id, null::varchar as email, sessions, 0 as orders,
           0::decimal(18, 2) as revenue_reporting, first_seen_ts, last_seen_ts, load_ids
    from client_keys
    union all
    select person_key, link, 'order', source_platform, null, order_id, email, 0, 1, net_revenue_reporting,
           order_ts, order_ts, load_ids
    from order_keys
    union all
    select 'user:' || user_id, 'user_id', 'profile', source_platform, null, null, email, 0, 0,
           0::decimal(18, 2), null::timestamp, null::timestamp, {{ gata_load_ids_agg('_dlt_load_id') }}
    from profiles
    where user_id is not null
    group by user_id, source_platform, email
)
{%- endmacro %}

{#-
  int_identity__members: every record identity resolution knows (an analytics client, an order, a profile)
  with its person and that person's user_key. dim_users groups it by person; fct_sessions and fct_events
  take their user_key from its clients, so a session reaches the same person dim_users shows.
-#}
{% macro gata_identity_members(tenant) -%}
with {{ gata_an_identity_ctes(tenant) }}
select {{ gata_an_user_key(tenant, 'person_key') }} as user_key, *
from members
{%- endmacro %}

{#-
  A sync rebuilds the members but recomputes only the sessions (and events) of visitors with new events; a
  new login, email or order can move an earlier visitor to another person. After a sync build, the rows
  whose visitor now resolves to another person take its key, so a sync equals a full rebuild.
-#}
{% macro gata_an_rekey(client_column) -%}
{%- if gata_sync_build() -%}
update {{ this }} as held
set user_key = client_members.user_key
from {{ ref('int_identity__members') }} as client_members
where client_members.member_type = 'client'
  and client_members.source_platform = held.source_platform
  and client_members.analytics_id = held.{{ client_column }}
  and held.user_key is distinct from client_members.user_key
{%- else -%}
select 1
{%- endif -%}
{%- endmacro %}

{#- dim_users: one row per resolved person, projected onto the contract (no factory builds this one). -#}
{% macro gata_dim_users(tenant) -%}
{{ gata_project('dim_users', gata_an_users(tenant)) }}
{%- endmacro %}

{% macro gata_an_users(tenant) -%}
with members as (
    select * exclude (user_key) from {{ ref('int_identity__members') }}
),
people as (
    select
        person_key,
        case when starts_with(person_key, 'user:') then substr(person_key, 6) end as user_id,
        coalesce(
            last(email order by last_seen_ts nulls first) filter (where member_type = 'order' and email is not null),
            min(email) filter (where email is not null),
            case when starts_with(person_key, 'email:') then substr(person_key, 7) end
        ) as customer_email,
        to_json(coalesce(list(distinct analytics_id order by analytics_id)
                         filter (where analytics_id is not null), []::varchar[])) as analytics_ids,
        to_json(list(distinct source_platform order by source_platform)) as source_platforms,
        min(first_seen_ts) as first_seen_ts,
        max(last_seen_ts) as last_seen_ts,
        sum(sessions) as sessions,
        sum(orders) as orders,
        coalesce(sum(revenue_reporting), 0) as revenue_reporting,
        -- strongest link among the person's clients and orders (a profile only describes its own login id)
        case coalesce(min(link_rank) filter (where member_type <> 'profile'), min(link_rank))
            when 1 then 'user_id' when 2 then 'email' when 3 then 'transaction' else 'anonymous'
        end as resolution,
        {{ gata_load_ids_agg('load_ids', nested=true) }} as source_load_ids
    from (
        select *, case link when 'user_id' then 1 when 'email' then 2 when 'transaction' then 3 else 4 end as link_rank
        from members
    ) as ranked_members
    group by person_key
)
select
    '{{ tenant.slug }}' as tenant_slug,
    {{ gata_an_user_key(tenant, 'person_key') }} as user_key,
    user_id,
    customer_email,
    analytics_ids,
    source_platforms,
    first_seen_ts,
    last_seen_ts,
    sessions,
    orders,
    revenue_reporting,
    orders > 0 as is_customer,
    resolution,
    '{{ tenant.reporting_currency }}' as reporting_currency,
    source_load_ids
from people
{%- endmacro %}

{#-
  Match rates per key type (tenant_slug, key_type, users, resolved, match_rate):
    analytics_id    client ids tied to a known person (a login id or an order)
    login_ids_that_bought  login ids of reported events (fct_events.user_id) that ever bought (are a shop
                           customer id): not a match rate of sessions to users, only a share of logged-in
                           people who are customers (a login id only a profile names is not counted)
    email           order emails whose person has analytics activity
    transaction_id  purchase transaction ids that name exactly one order
    order_id        orders whose person has analytics activity
-#}
{% macro gata_identity_match_rates(tenant) -%}
with {{ gata_an_identity_ctes(tenant) }},
people_with_analytics as (
    select distinct person_key from members where member_type = 'client'
),
rates as (
    select 'analytics_id' as key_type, count(*) as users, count(*) filter (where link <> 'anonymous') as resolved
    from client_keys
    union all
    select 'login_ids_that_bought', count(distinct user_id),
           count(distinct user_id) filter (where user_id in (select customer_id from orders))
    -- the login ids of reported sessions (fct_events' user_id; warm-up days only link)
    from (select unnest(reported_user_ids) as user_id from sessions where is_reported) as reported_logins
    union all
    select 'email', count(distinct email),
           count(distinct email) filter (where person_key in (select person_key from people_with_analytics))
    from order_keys
    union all
    select 'transaction_id', count(distinct transaction_id),
           count(distinct transaction_id) filter (where transaction_id in (select order_id from unique_orders))
    from sessions
    where is_reported
    union all
    select 'order_id', count(*),
           count(*) filter (where person_key in (select person_key from people_with_analytics))
    from order_keys
)
select
    '{{ tenant.slug }}' as tenant_slug,
    key_type,
    users::bigint as users,
    resolved::bigint as resolved,
    case when users > 0 then resolved / users end::double as match_rate
from rates
{%- endmacro %}
