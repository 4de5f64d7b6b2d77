"""One simulated day of a tenant's business, the single source every connector renders from.

Ad spend buys impressions and clicks; clicks start paid sessions whose UTMs name the campaign; organic,
direct, email and referral sessions come besides; sessions walk a funnel of events; purchases become
orders (the order id is the analytics transaction id) placed by visitors whose customer id and email are
the same everywhere; ad platforms then report the purchases they drove, over-claimed as in life.

A day depends only on (tenant config, seed, day): its random streams are derived from those alone.
What changes later (restated conversions, refunds, fulfilment) is decided here as lags and applied at
render time by `gata.simulation.asof`, so data as of any day is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

from gata.simulation.money import FX_PER_USD, convert_cents
from gata.simulation.rng import rng_for
from gata.simulation.shape import (
    COUNTRY_TAX_RATE,
    WEEKDAY_FACTOR,
    local_weekday,
    peak_factor,
    utc_hour_weights,
)
from gata.simulation.world import LANDING_PATHS, World, visitors

# canonical event kinds; each analytics connector names them in its own vocabulary
SESSION_START, PAGE_VIEW, LOGIN, VIEW_ITEM, ADD_TO_CART, BEGIN_CHECKOUT, PURCHASE = range(7)
EVENT_KINDS = ("session_start", "page_view", "login", "view_item", "add_to_cart", "begin_checkout", "purchase")

# channels of non-paid traffic: (code, share, conversion multiplier)
PAID, ORGANIC, DIRECT, EMAIL, REFERRAL, SOCIAL = range(6)
CHANNEL_MIX = [
    (ORGANIC, 0.42, 0.9),
    (DIRECT, 0.28, 1.2),
    (EMAIL, 0.10, 1.6),
    (REFERRAL, 0.10, 0.8),
    (SOCIAL, 0.10, 0.6),
]
PAID_CONVERSION_MULTIPLIER = 1.1
REFERRERS = ["reddit.com", "news.ycombinator.com", "medium.com", "wirecutter.com", "producthunt.com"]
SOCIAL_REFERRERS = ["facebook.com", "instagram.com", "t.co", "linkedin.com"]
MAX_SESSION_SECONDS = 40 * 60  # an ordinary session's span; long browses run to MAX_LONG_SESSION_SECONDS
SECOND_DEVICE = np.array([1, 0, 1])  # DEVICES index of a visitor's other device: desktop <-> mobile, tablet -> mobile
LONG_BROWSE_GAP_SECONDS = (30, 8 * 60)  # pauses between a long browse's events: far under the 30-minute timeout
DAY_US = 86_400_000_000
EPOCH = date(1970, 1, 1)
ID_DAY_BASE = date(2000, 1, 1)

VIEW_RATE, CART_RATE, CHECKOUT_RATE = 0.55, 0.30, 0.45  # funnel of sessions that do not purchase
OFFSITE_PURCHASE_RATE = 0.09  # Amazon: share of clicks that buy on the listing


def season_factor(day: date) -> float:
    """A gentle yearly season (peak in late November)."""
    return float(1.0 + 0.12 * np.cos(2 * np.pi * (day.timetuple().tm_yday - 330) / 365.0))


def day_factor(day: date) -> float:
    """Weekday pattern (UTC) and season: the shape of a day's ad delivery before the calendar's peaks."""
    return float(WEEKDAY_FACTOR[day.weekday()] * season_factor(day))


@dataclass
class AdDay:
    """Daily metrics per ad of one ad account (arrays aligned with `account.ads`)."""

    spend_cents: np.ndarray
    impressions: np.ndarray
    clicks: np.ndarray
    purchases: np.ndarray  # purchases the ad's sessions really made
    revenue_cents: np.ndarray  # their value in the account currency
    conversions_final: np.ndarray  # what the platform reports once its attribution window has closed
    conversions_value_final_cents: np.ndarray
    reach: np.ndarray
    video_views: np.ndarray


@dataclass
class Sessions:
    visitor: np.ndarray
    start_us: np.ndarray
    channel: np.ndarray
    source: list[str]
    medium: list[str]
    campaign: list[str | None]  # utm_campaign
    campaign_id: list[str | None]  # utm_id
    ad_id: list[str | None]  # utm_content
    account: np.ndarray  # index into world.ad_accounts, -1 when not paid
    ad: np.ndarray  # index into the account's ads, -1 when not paid
    tool: np.ndarray  # index into world.analytics
    device: np.ndarray
    country: np.ndarray
    city: np.ndarray
    browser: np.ndarray
    os: np.ndarray
    registered: np.ndarray
    logged_in: np.ndarray
    pages: np.ndarray
    depth: np.ndarray  # 0 none, 1 view_item, 2 add_to_cart, 3 begin_checkout, 4 purchase
    landing_path: list[str]
    interest_product: np.ndarray
    session_number: np.ndarray
    guest: np.ndarray  # purchases without logging in
    order: np.ndarray  # index into Orders, -1 when none
    long_browse: np.ndarray  # a long session (MAX_LONG_SESSION_SECONDS at most)
    second_device: np.ndarray  # the visitor's second device, when logged in (see device_slot)
    tracked: np.ndarray  # False: no analytics tool saw the session (its events are not in Events)

    @property
    def device_slot(self) -> np.ndarray:
        """1 for a logged-in session on the visitor's second device: same user id, other device ids."""
        return (self.logged_in & self.second_device).astype(np.int64)

    def __len__(self) -> int:
        return len(self.visitor)


@dataclass
class Events:
    session: np.ndarray
    kind: np.ndarray
    ts_us: np.ndarray
    position: np.ndarray
    identified: np.ndarray  # the visitor is logged in at this event
    page_path: list[str]

    def __len__(self) -> int:
        return len(self.session)

    def take(self, rows: np.ndarray) -> Events:
        """The events at `rows` (in that order)."""
        return Events(
            session=self.session[rows],
            kind=self.kind[rows],
            ts_us=self.ts_us[rows],
            position=self.position[rows],
            identified=self.identified[rows],
            page_path=[self.page_path[i] for i in rows.tolist()],
        )


@dataclass
class Orders:
    order_id: np.ndarray  # int64, also the analytics transaction id
    number: np.ndarray  # human order number within the day
    session: np.ndarray
    visitor: np.ndarray
    created_us: np.ndarray
    shop: np.ndarray  # index into world.shops
    guest: np.ndarray
    items: list[list[tuple[int, int, int, int]]]  # (product index, variant index, quantity, unit price cents)
    subtotal_cents: np.ndarray
    discount_cents: np.ndarray
    discount_code: list[str | None]
    shipping_cents: np.ndarray
    tax_cents: np.ndarray
    total_cents: np.ndarray
    fulfil_lag_days: np.ndarray
    cancel_lag_days: np.ndarray  # -1: never cancelled
    refund_lag_days: np.ndarray  # -1: never refunded
    refund_cents: np.ndarray
    refund_full: np.ndarray

    def __len__(self) -> int:
        return len(self.order_id)


@dataclass
class DaySim:
    day: date
    ads: list[AdDay]  # aligned with world.ad_accounts
    sessions: Sessions
    events: Events
    orders: Orders
    orders_of_day: int | None = None  # the whole day's orders when this is a day cut short (see cutoff)

    @property
    def day_start_us(self) -> int:
        return (self.day - EPOCH).days * DAY_US


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _simulate_ads(world: World, day: date) -> tuple[list[AdDay], list[np.ndarray]]:
    """Spend, impressions and clicks per ad; returns the metrics and each account's paid session counts."""
    factor = day_factor(day) * peak_factor(world.traffic, day)
    result, paid_sessions = [], []
    for account in world.ad_accounts:
        rng = rng_for(world.tenant.slug, world.tenant.seed, "ads", account.connector, day.isoformat())
        lv = account.levers
        weights = np.array([a.weight for a in account.ads])
        n = len(weights)
        campaign_noise = {c.id: rng.lognormal(0, 0.18) for c in account.campaigns}
        noise = np.array([campaign_noise[a.campaign_id] for a in account.ads]) * rng.lognormal(0, 0.12, n)
        spend = lv.daily_spend * factor * weights * noise
        spend_cents = np.rint(spend * 100).astype(np.int64)
        cpm = lv.cpm * np.array([a.cpm_factor for a in account.ads]) * rng.lognormal(0, 0.08, n)
        # platforms never bill without serving: any spend buys at least one impression
        impressions = np.maximum(np.rint(spend / cpm * 1000).astype(np.int64), (spend_cents > 0).astype(np.int64))
        ctr = np.clip(lv.ctr * np.array([a.ctr_factor for a in account.ads]), 0, 0.5)
        clicks = rng.binomial(impressions, ctr)
        reach = np.rint(impressions / rng.uniform(1.2, 2.2, n)).astype(np.int64)
        video_views = rng.binomial(impressions, 0.08)
        sessions = rng.binomial(clicks, lv.landing_rate) if account.sends_sessions else np.zeros(n, np.int64)
        zeros = np.zeros(n, dtype=np.int64)
        result.append(
            AdDay(
                spend_cents,
                impressions,
                clicks,
                zeros.copy(),
                zeros.copy(),
                zeros.copy(),
                zeros.copy(),
                reach,
                video_views,
            )
        )
        paid_sessions.append(sessions)
    return result, paid_sessions


MAX_LONG_SESSION_SECONDS = 2 * 3600  # the longest browse (every pause under the 30-minute timeout)
# A visitor's two candidate indices 2k and 2k + 1 split the hours around midnight: sessions starting this close
# to the end of a day or to its start use the index of the day's parity, so a session that runs past midnight
# never meets the same visitor's session of the next morning (no visitor is in two places, no session merge).
MIDNIGHT_MARGIN_SECONDS = MAX_LONG_SESSION_SECONDS + 45 * 60


def _sample_pairs(rng: np.random.Generator, pool: int, n: int) -> np.ndarray:
    """n distinct visitor pairs k (visitors 2k and 2k + 1), drawn from the pool."""
    pairs = max(pool // 2, 1)
    size = pairs if n <= pairs // 2 else max(pairs, 3 * n)
    return rng.choice(size, size=n, replace=False).astype(np.int64)


def _pair_parity(day: date, start_seconds: np.ndarray, free_bit: np.ndarray) -> np.ndarray:
    """Which visitor of each pair: forced near midnight (see MIDNIGHT_MARGIN_SECONDS), free otherwise."""
    near_midnight = (start_seconds < MIDNIGHT_MARGIN_SECONDS) | (start_seconds >= 86_400 - MIDNIGHT_MARGIN_SECONDS)
    return np.where(near_midnight, (day - EPOCH).days % 2, free_bit).astype(np.int64)


def _session_countries(world: World, rng: np.random.Generator, pairs: np.ndarray, account: np.ndarray, ad: np.ndarray):
    """Country of each session: the visitor's, except that a geo-targeted campaign brings mostly its own."""
    country = visitors(world, pairs * 2).country.copy()
    draw = rng.random(len(pairs))
    pick = rng.integers(0, 1 << 30, len(pairs))
    for i in np.flatnonzero(account >= 0):
        acc = world.ad_accounts[account[i]]
        camp = acc.campaign_of(acc.ads[ad[i]])
        if camp.geo_countries and draw[i] < acc.levers.geo_targeting_share:
            country[i] = camp.geo_countries[pick[i] % len(camp.geo_countries)]
    return country


def _start_seconds(world: World, rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    """Seconds after UTC midnight each session starts, by its country's local hour-of-day curve."""
    local = world.traffic.local_time
    hours = np.zeros(len(country), dtype=np.int64)
    for c in np.unique(country):
        where = np.flatnonzero(country == c)
        hours[where] = rng.choice(24, len(where), p=utc_hour_weights(int(c), local))
    return hours * 3600 + rng.integers(0, 3600, len(country))


def _simulate_sessions(world: World, day: date, paid_counts: list[np.ndarray]) -> Sessions:
    t = world.traffic
    rng = rng_for(world.tenant.slug, world.tenant.seed, "sessions", day.isoformat())
    # paid sessions, one per landed click, carrying the ad's UTMs
    acc_idx, ad_idx = [], []
    for ai, counts in enumerate(paid_counts):
        rep = np.repeat(np.arange(len(counts)), counts)
        acc_idx.append(np.full(len(rep), ai))
        ad_idx.append(rep)
    paid_account = np.concatenate(acc_idx) if acc_idx else np.zeros(0, np.int64)
    paid_ad = np.concatenate(ad_idx) if ad_idx else np.zeros(0, np.int64)
    n_paid = len(paid_ad)
    # non-paid visits: candidates at the busiest weekday's rate, kept by their own local weekday's factor
    peak = max(WEEKDAY_FACTOR)
    n_candidates = int(rng.poisson(t.daily_sessions * season_factor(day) * peak_factor(t, day) * peak))
    account = np.concatenate([paid_account, np.full(n_candidates, -1)]).astype(np.int64)
    ad = np.concatenate([paid_ad, np.full(n_candidates, -1)]).astype(np.int64)
    pairs = _sample_pairs(rng, t.users, len(account))
    country = _session_countries(world, rng, pairs, account, ad)
    seconds = _start_seconds(world, rng, country)
    if t.local_time:
        weekday_keep = WEEKDAY_FACTOR[local_weekday(day, seconds, country)] / peak
    else:
        weekday_keep = np.full(len(account), WEEKDAY_FACTOR[day.weekday()] / peak)
    keep = (account >= 0) | (rng.random(len(account)) < weekday_keep)
    account, ad, pairs, country, seconds = account[keep], ad[keep], pairs[keep], country[keep], seconds[keep]
    n = len(account)
    n_free = n - n_paid
    shares = np.array([s for _, s, _ in CHANNEL_MIX])
    free_channel = np.array([c for c, _, _ in CHANNEL_MIX])[
        rng.choice(len(CHANNEL_MIX), n_free, p=shares / shares.sum())
    ]
    channel = np.concatenate([np.full(n_paid, PAID), free_channel]).astype(np.int64)

    visitor = pairs * 2 + _pair_parity(day, seconds, rng.integers(0, 2, n))
    v = visitors(world, visitor)
    start_us = (_day_start(day).timestamp() * 1_000_000 + seconds * 1_000_000 + rng.integers(0, 1_000_000, n)).astype(
        np.int64
    )

    source, medium, campaign, campaign_id, ad_id = [], [], [], [], []
    referrer_pick = rng.integers(0, 1_000_000, n)
    iso_week = day.isocalendar().week
    for i in range(n):
        ch = channel[i]
        if ch == PAID:
            acc = world.ad_accounts[account[i]]
            the_ad = acc.ads[ad[i]]
            camp = next(c for c in acc.campaigns if c.id == the_ad.campaign_id)
            source.append(acc.utm_source)
            medium.append(acc.utm_medium)
            campaign.append(camp.name)
            campaign_id.append(camp.id)
            ad_id.append(the_ad.id)
            continue
        ad_id.append(None)
        campaign_id.append(None)
        if ch == ORGANIC:
            source.append("google" if referrer_pick[i] % 100 < 85 else "bing")
            medium.append("organic")
            campaign.append(None)
        elif ch == DIRECT:
            source.append("(direct)")
            medium.append("(none)")
            campaign.append(None)
        elif ch == EMAIL:
            source.append("newsletter")
            medium.append("email")
            campaign.append(f"weekly_digest_w{iso_week:02d}")
        elif ch == REFERRAL:
            source.append(REFERRERS[referrer_pick[i] % len(REFERRERS)])
            medium.append("referral")
            campaign.append(None)
        else:
            source.append(SOCIAL_REFERRERS[referrer_pick[i] % len(SOCIAL_REFERRERS)])
            medium.append("social")
            campaign.append(None)

    # funnel: purchase first (rate per channel, normalised to the lever), then how far the others get
    mult = np.where(channel == PAID, PAID_CONVERSION_MULTIPLIER, 1.0)
    for code, _, m in CHANNEL_MIX:
        mult = np.where(channel == code, m, mult)
    p_purchase = np.clip(t.conversion_rate * mult / (mult.mean() if n else 1.0), 0, 1)
    purchase = rng.random(n) < p_purchase
    depth = np.where(rng.random(n) < VIEW_RATE, 1, 0)
    depth = np.where((depth == 1) & (rng.random(n) < CART_RATE), 2, depth)
    depth = np.where((depth == 2) & (rng.random(n) < CHECKOUT_RATE), 3, depth)
    depth = np.where(purchase, 4, depth)
    pages = np.minimum(1 + rng.poisson(max(t.pages_per_session - 1, 0), n), 12)
    # bounces: the landing page and nothing else; long browses: many pages, never a pause over the timeout
    bounce = ~purchase & (rng.random(n) < t.bounce_rate)
    long_browse = ~bounce & (rng.random(n) < t.long_session_share)
    depth = np.where(bounce, 0, depth)
    pages = np.where(bounce, 1, np.where(long_browse, rng.integers(15, 41, n), pages))
    login_draw = rng.random(n)
    logged_in = v.registered & (login_draw < 0.5) & ~bounce
    second_device = rng.random(n) < t.multi_device_share
    landing = [LANDING_PATHS[j] for j in rng.integers(0, len(LANDING_PATHS), n)]
    for i in np.flatnonzero(channel == PAID):
        url = world.ad_accounts[account[i]].ads[ad[i]].final_url
        landing[i] = url.split("://", 1)[1].split("?", 1)[0][len(world.site_domain) :] or "/"
    shop0 = world.shops[0]
    interest = rng.choice(len(shop0.products), n, p=shop0.popularity)
    first_seen = (v.h_id2 % np.uint64(400)).astype(np.int64)
    session_number = 1 + ((day - EPOCH).days % 400 + first_seen) // 9 % 40

    return Sessions(
        visitor=visitor,
        start_us=start_us,
        channel=channel,
        source=source,
        medium=medium,
        campaign=campaign,
        campaign_id=campaign_id,
        ad_id=ad_id,
        account=account,
        ad=ad,
        tool=v.tool,
        device=v.device,
        country=country,
        city=v.city,
        browser=v.browser,
        os=v.os,
        registered=v.registered,
        logged_in=logged_in,
        pages=pages,
        depth=depth,
        landing_path=landing,
        interest_product=interest,
        session_number=session_number,
        guest=np.zeros(n, bool),
        order=np.full(n, -1),
        long_browse=long_browse,
        second_device=second_device,
        tracked=np.ones(n, bool),
    )


def _simulate_events(world: World, day: date, s: Sessions) -> Events:
    rng = rng_for(world.tenant.slug, world.tenant.seed, "events", day.isoformat())
    n = len(s)
    purchasing = s.depth == 4
    # visitors without an account always check out as guests; account holders log in to buy, except a
    # share who check out as guests anyway (then only the order's email and transaction id identify them)
    guest_rate = world.shops[0].levers.guest_checkout_rate
    s.guest = purchasing & (~s.registered | (rng.random(n) < guest_rate))
    s.logged_in = np.where(purchasing, ~s.guest, s.logged_in)
    # a logged-in visit on the second device comes from the other kind of device (phone <-> computer)
    s.device = np.where(s.device_slot == 1, SECOND_DEVICE[s.device], s.device)
    login = s.logged_in.astype(np.int64)
    counts = 1 + s.pages + login + s.depth
    total = int(counts.sum())
    session = np.repeat(np.arange(n), counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]) if n else np.zeros(0, np.int64)
    pos = np.arange(total) - np.repeat(starts, counts)
    sl = login[session]
    after = pos - 2 - sl
    pages_s = s.pages[session]
    kind = np.where(pos == 0, SESSION_START, PAGE_VIEW)
    kind = np.where((sl == 1) & (pos == 2), LOGIN, kind)
    funnel = (pos >= 2 + sl) & (after >= pages_s - 1)
    kind = np.where(funnel, VIEW_ITEM + (after - (pages_s - 1)), kind)
    # gaps: session_start and the landing page view share a timestamp; later events follow within the cap
    gap_cap = np.maximum(np.minimum(180, MAX_SESSION_SECONDS // np.maximum(counts - 1, 1)), 6)[session]
    gap_low = np.full(total, 5.0)
    long_s = s.long_browse[session]
    long_cap = np.minimum(LONG_BROWSE_GAP_SECONDS[1], MAX_LONG_SESSION_SECONDS // np.maximum(counts - 1, 1))[session]
    gap_cap = np.where(long_s, np.maximum(long_cap, LONG_BROWSE_GAP_SECONDS[0] + 1), gap_cap)
    gap_low = np.where(long_s, LONG_BROWSE_GAP_SECONDS[0], gap_low)
    gaps = (rng.random(total) * (gap_cap - gap_low) + gap_low) * 1_000_000
    gaps = np.where(pos <= 1, 0, gaps).astype(np.int64) + np.where(pos >= 1, rng.integers(0, 997, total), 0)
    csum = np.cumsum(gaps)
    base = np.repeat(np.concatenate([[0], csum[starts[1:] - 1]]) if n else np.zeros(0, np.int64), counts)
    offsets = csum - base
    if n:
        # an order is the shop's order of the day its session began (its id, its day's totals): a purchasing
        # session that would run past midnight is compressed to end on its day; other sessions cross freely
        last = offsets[starts + counts - 1]
        room = (day - EPOCH).days * DAY_US + DAY_US - 1 - s.start_us
        squeeze = purchasing & (last > room)
        scale = np.where(squeeze, room / np.maximum(last, 1), 1.0)
        offsets = np.where(squeeze[session], (offsets * scale[session]).astype(np.int64), offsets)
    ts_us = s.start_us[session] + offsets
    identified = s.logged_in[session] & (pos >= 2)
    shop0 = world.shops[0]
    paths = []
    extra_pages = rng.integers(0, len(LANDING_PATHS), total)
    for j in range(total):
        k = kind[j]
        if k in (VIEW_ITEM, ADD_TO_CART):
            paths.append(f"/products/{shop0.products[s.interest_product[session[j]]].handle}")
        elif k in (BEGIN_CHECKOUT, PURCHASE):
            paths.append("/checkout" if k == BEGIN_CHECKOUT else "/checkout/thank-you")
        elif k == LOGIN:
            paths.append("/account/login")
        elif pos[j] <= 1:
            paths.append(s.landing_path[session[j]])
        else:
            paths.append(LANDING_PATHS[extra_pages[j]])
    return Events(
        session=session, kind=kind.astype(np.int64), ts_us=ts_us, position=pos, identified=identified, page_path=paths
    )


def _simulate_orders(world: World, day: date, s: Sessions, ev: Events) -> Orders:
    rng = rng_for(world.tenant.slug, world.tenant.seed, "orders", day.isoformat())
    purchase_events = np.flatnonzero(ev.kind == PURCHASE)
    order_sessions = ev.session[purchase_events]
    created_us = ev.ts_us[purchase_events]
    order_by_time = np.argsort(created_us, kind="stable")
    order_sessions, created_us = order_sessions[order_by_time], created_us[order_by_time]
    m = len(order_sessions)
    day_number = (day - ID_DAY_BASE).days
    seq = np.arange(1, m + 1)
    order_id = world.namespace * 10**11 + day_number * 10**6 + seq
    shares = np.array([sh.levers.order_share for sh in world.shops])
    shop = rng.choice(len(world.shops), m, p=shares / shares.sum())
    guest = s.guest[order_sessions]
    items, subtotal = [], np.zeros(m, np.int64)
    for i in range(m):
        sh = world.shops[shop[i]]
        k = min(1 + rng.poisson(0.4), 4)
        first = s.interest_product[order_sessions[i]] % len(sh.products)
        picks = [first] + list(rng.choice(len(sh.products), k - 1, p=sh.popularity))
        lines = {}
        for p in picks:
            prod = sh.products[int(p)]
            vi = int(rng.integers(0, len(prod.variants)))
            qty = 2 if rng.random() < 0.12 else 1
            key = (int(p), vi)
            if key in lines:
                lines[key] = (int(p), vi, lines[key][2] + qty, prod.variants[vi].price_cents)
            else:
                lines[key] = (int(p), vi, qty, prod.variants[vi].price_cents)
        items.append(list(lines.values()))
        subtotal[i] = sum(q * price for _, _, q, price in items[-1])
    has_discount = rng.random(m) < 0.2
    discount = np.where(has_discount, np.rint(subtotal * 0.10), 0).astype(np.int64)
    codes = [("WELCOME10" if rng.random() < 0.5 else "SPRING10") if d else None for d in has_discount]
    # flat-rate shipping with a free-shipping threshold, both set in USD and converted to the shop's currency
    fx = np.array([FX_PER_USD[world.shops[j].currency] for j in shop]) if m else np.zeros(0)
    shipping = np.where(subtotal - discount >= np.rint(7500 * fx), 0, np.rint(695 * fx)).astype(np.int64)
    tax = np.rint((subtotal - discount) * _tax_rates(world, shop, s.country[order_sessions])).astype(np.int64)
    total = subtotal - discount + shipping + tax
    cancel_rate = np.array([world.shops[j].levers.cancel_rate for j in shop]) if m else np.zeros(0)
    refund_rate = np.array([world.shops[j].levers.refund_rate for j in shop]) if m else np.zeros(0)
    cancelled = rng.random(m) < cancel_rate
    refunded = ~cancelled & (rng.random(m) < refund_rate)
    refund_lag = np.where(refunded, rng.integers(2, 22, m), -1)
    refund_full = rng.random(m) < 0.7
    refund_cents = np.where(refunded, np.where(refund_full, total, np.rint(total * 0.4)), 0).astype(np.int64)
    for i, sess in enumerate(order_sessions):
        s.order[sess] = i
    return Orders(
        order_id=order_id.astype(np.int64),
        number=seq,
        session=order_sessions,
        visitor=s.visitor[order_sessions],
        created_us=created_us,
        shop=shop,
        guest=guest,
        items=items,
        subtotal_cents=subtotal,
        discount_cents=discount,
        discount_code=codes,
        shipping_cents=shipping,
        tax_cents=tax,
        total_cents=total,
        fulfil_lag_days=rng.integers(0, 4, m),
        cancel_lag_days=np.where(cancelled, rng.integers(0, 2, m), -1),
        refund_lag_days=refund_lag,
        refund_cents=refund_cents,
        refund_full=refund_full,
    )


def _tax_rates(world: World, shop: np.ndarray, country: np.ndarray) -> np.ndarray:
    """Each order's tax rate: the shop's flat rate when it sets one, else the buyer's country's."""
    flat = [world.shops[j].levers.tax_rate for j in shop]
    return np.array(
        [COUNTRY_TAX_RATE[c] if rate is None else rate for rate, c in zip(flat, country.tolist(), strict=True)],
        dtype=np.float64,
    )


def _untrack(world: World, day: date, s: Sessions, ev: Events, orders: Orders) -> Events:
    """Orders no analytics tool saw: their sessions send no events at all (ad blockers, refused consent)."""
    rng = rng_for(world.tenant.slug, world.tenant.seed, "untracked", day.isoformat())
    share = np.array([world.shops[j].levers.untracked_order_share for j in orders.shop], dtype=np.float64)
    hidden = orders.session[rng.random(len(orders)) < share]
    s.tracked[hidden] = False
    return ev.take(np.flatnonzero(s.tracked[ev.session]))


def attribute_to_ads(world: World, day: date, ads: list[AdDay], s: Sessions, orders: Orders) -> None:
    """Each ad platform learns the purchases its clicks drove, then over-claims as platforms do."""
    for i in range(len(orders)):
        sess = orders.session[i]
        if s.account[sess] < 0:
            continue
        acc_i, ad_i = s.account[sess], s.ad[sess]
        account = world.ad_accounts[acc_i]
        shop = world.shops[orders.shop[i]]
        ads[acc_i].purchases[ad_i] += 1
        ads[acc_i].revenue_cents[ad_i] += int(convert_cents(orders.total_cents[i], shop.currency, account.currency))
    for acc_i, account in enumerate(world.ad_accounts):
        rng = rng_for(world.tenant.slug, world.tenant.seed, "attribution", account.connector, day.isoformat())
        a = ads[acc_i]
        aov = convert_cents(int(world.shops[0].levers.avg_order_value * 100), world.shops[0].currency, account.currency)
        if not account.sends_sessions:
            # offsite (Amazon): shoppers buy on the listing; the platform's count is the truth
            a.purchases[:] = rng.binomial(a.clicks, OFFSITE_PURCHASE_RATE)
            price = np.array([world.shops[0].products[ad.product_index].variants[0].price_cents for ad in account.ads])
            a.revenue_cents[:] = a.purchases * convert_cents(price, world.shops[0].currency, account.currency)
            a.conversions_final[:] = a.purchases
            a.conversions_value_final_cents[:] = a.revenue_cents
            continue
        extra_rate = (account.levers.conversion_overclaim - 1.0) * a.purchases + a.impressions * 2e-6
        extra = rng.poisson(extra_rate)
        a.conversions_final[:] = a.purchases + extra
        value_noise = rng.lognormal(0, 0.2, len(extra))
        a.conversions_value_final_cents[:] = a.revenue_cents + np.rint(extra * aov * value_noise).astype(np.int64)


def simulate_day(world: World, day: date) -> DaySim:
    ads, paid_counts = _simulate_ads(world, day)
    sessions = _simulate_sessions(world, day, paid_counts)
    events = _simulate_events(world, day, sessions)
    orders = _simulate_orders(world, day, sessions, events)
    events = _untrack(world, day, sessions, events, orders)
    attribute_to_ads(world, day, ads, sessions, orders)
    return DaySim(day=day, ads=ads, sessions=sessions, events=events, orders=orders)
