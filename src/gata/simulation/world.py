"""The static side of a tenant's simulated business: ad accounts and their entities, shop catalogs, and
the visitor pool.

Everything here depends only on the tenant's config and seed, never on the day or the window generated,
so entities keep their ids and names across runs and daily syncs. Visitor attributes are pure functions
of the visitor's index (hashed), so the pool can be as large as needed without being stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import numpy as np

from gata.config.catalog import Domain
from gata.config.tenants import AnalyticsGeneration, EcommerceGeneration, PaidAdsGeneration, Tenant
from gata.simulation.rng import derive_seed, hash_index, rng_for, unit_float
from gata.simulation.shape import BING_CAMPAIGN_TYPES, GOOGLE_CHANNEL_TYPES, country_weights, geo_target

# Two-digit codes keep ids of different platforms apart inside a tenant's namespace.
PLATFORM_CODES = {
    "facebook_ads": 11,
    "instagram_ads": 12,
    "google_ads": 21,
    "bing_ads": 31,
    "linkedin_ads": 41,
    "amazon_ads": 51,
    "tiktok_ads": 61,
    "shopify": 71,
    "bigcommerce": 72,
    "woocommerce": 73,
}

UTM = {  # utm_source, utm_medium of each ad platform's landing URLs
    "facebook_ads": ("facebook", "paid_social"),
    "instagram_ads": ("instagram", "paid_social"),
    "google_ads": ("google", "cpc"),
    "bing_ads": ("bing", "cpc"),
    "linkedin_ads": ("linkedin", "paid_social"),
    "tiktok_ads": ("tiktok", "paid_social"),
    "amazon_ads": ("amazon", "cpc"),
}
SEARCH_PLATFORMS = {"google_ads", "bing_ads"}
# Amazon Sponsored Products send shoppers to the Amazon listing, not the tenant's site: no sessions.
OFFSITE_PLATFORMS = {"amazon_ads"}

SEARCH_THEMES = ["Brand", "Generic", "Competitor", "Shopping", "Performance Max", "DSA", "Remarketing", "Seasonal"]
SOCIAL_THEMES = [
    "Prospecting",
    "Retargeting",
    "Lookalike 1%",
    "Catalog Sales",
    "Video Views",
    "Spring Sale",
    "Holiday Promo",
    "Engagement",
]
GEOS = ["US", "UK", "DE", "CA", "FR", "AU", "EU", "NA"]
AUDIENCES = [
    "Broad",
    "Interests",
    "Lookalike",
    "Website Visitors",
    "Cart Abandoners",
    "Customers 180d",
    "Exact",
    "Phrase",
    "Broad Match",
    "In-market",
]
AD_FORMATS = ["Image", "Video", "Carousel", "Text", "Collection"]
LANDING_PATHS = [
    "/",
    "/collections/new",
    "/collections/sale",
    "/products/bestsellers",
    "/pages/offer",
    "/collections/all",
    "/blog/guide",
    "/pages/gift-ideas",
]

PRODUCT_ADJECTIVES = ["Classic", "Premium", "Eco", "Compact", "Deluxe", "Smart", "Ultra", "Essential", "Pro", "Lite"]
PRODUCT_NOUNS = [
    "Backpack",
    "Water Bottle",
    "Desk Lamp",
    "Headphones",
    "Sneakers",
    "Jacket",
    "Watch",
    "Mug",
    "Notebook",
    "Sunglasses",
    "Wallet",
    "Speaker",
    "Blender",
    "Yoga Mat",
    "Charger",
    "Hoodie",
]
PRODUCT_TYPES = ["Bags", "Kitchen", "Home", "Audio", "Footwear", "Apparel", "Accessories", "Fitness", "Tech"]
VARIANT_OPTIONS = [["Black", "White"], ["S", "M", "L"], ["Blue", "Green", "Red"], ["Default Title"]]

FIRST_NAMES = [
    "james",
    "mary",
    "john",
    "patricia",
    "robert",
    "jennifer",
    "michael",
    "linda",
    "david",
    "elizabeth",
    "william",
    "barbara",
    "richard",
    "susan",
    "joseph",
    "jessica",
    "thomas",
    "sarah",
    "charles",
    "karen",
    "lena",
    "marco",
    "sofia",
    "lukas",
    "emma",
    "noah",
    "mia",
    "liam",
    "olivia",
    "yuki",
    "ana",
    "omar",
]
LAST_NAMES = [
    "smith",
    "johnson",
    "williams",
    "brown",
    "jones",
    "garcia",
    "miller",
    "davis",
    "rodriguez",
    "martinez",
    "hernandez",
    "lopez",
    "gonzalez",
    "wilson",
    "anderson",
    "thomas",
    "taylor",
    "moore",
    "jackson",
    "martin",
    "lee",
    "perez",
    "thompson",
    "white",
    "muller",
    "schmidt",
    "rossi",
    "dubois",
    "tanaka",
]
EMAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "proton.me", "gmx.de"]

COUNTRIES = [  # (name, ISO code, cities, weight)
    ("United States", "US", ["New York", "Los Angeles", "Chicago", "Houston", "Seattle"], 0.50),
    ("United Kingdom", "GB", ["London", "Manchester", "Leeds"], 0.10),
    ("Germany", "DE", ["Berlin", "Munich", "Hamburg"], 0.09),
    ("Canada", "CA", ["Toronto", "Vancouver", "Montreal"], 0.08),
    ("France", "FR", ["Paris", "Lyon"], 0.06),
    ("Australia", "AU", ["Sydney", "Melbourne"], 0.05),
    ("Netherlands", "NL", ["Amsterdam", "Rotterdam"], 0.04),
    ("Spain", "ES", ["Madrid", "Barcelona"], 0.04),
    ("Italy", "IT", ["Milan", "Rome"], 0.04),
]
COUNTRY_CODES = [c[1] for c in COUNTRIES]
DEVICES = [("desktop", 0.42), ("mobile", 0.52), ("tablet", 0.06)]
BROWSERS = {
    "desktop": ["Chrome", "Safari", "Edge", "Firefox"],
    "mobile": ["Safari", "Chrome", "Samsung Internet"],
    "tablet": ["Safari", "Chrome"],
}
OPERATING_SYSTEMS = {
    "desktop": ["Windows", "Macintosh", "Linux"],
    "mobile": ["iOS", "Android"],
    "tablet": ["iOS", "Android"],
}

ENTITY_EPOCH = datetime(2023, 1, 2, tzinfo=UTC)  # entities exist before this date, whatever the window


@dataclass(frozen=True)
class Campaign:
    index: int
    id: str
    name: str
    status: str  # ACTIVE | PAUSED
    objective: str
    daily_budget: float
    created_time: datetime
    weight: float  # share of the account's spend
    channel_type: str = "SEARCH"  # Google's advertising_channel_type / Microsoft's CampaignType, from the theme
    geo_countries: tuple[int, ...] = ()  # indices into COUNTRIES the campaign targets (from the geo in its name)


@dataclass(frozen=True)
class AdGroup:
    index: int
    id: str
    campaign_id: str
    name: str
    status: str
    created_time: datetime


@dataclass(frozen=True)
class Ad:
    index: int
    id: str
    ad_group_id: str
    campaign_id: str
    name: str
    status: str
    final_url: str
    created_time: datetime
    weight: float  # share of the account's spend
    cpm_factor: float
    ctr_factor: float
    product_index: int  # the advertised product (Amazon ASIN, catalog ads)


@dataclass(frozen=True)
class AdAccount:
    connector: str
    account_id: str
    account_name: str
    currency: str
    levers: PaidAdsGeneration
    campaigns: list[Campaign]
    ad_groups: list[AdGroup]
    ads: list[Ad]
    utm_source: str
    utm_medium: str

    def campaign_of(self, ad: Ad) -> Campaign:
        return next(c for c in self.campaigns if c.id == ad.campaign_id)

    @property
    def sends_sessions(self) -> bool:
        return self.connector not in OFFSITE_PLATFORMS


@dataclass(frozen=True)
class Variant:
    id: int
    sku: str
    title: str
    price_cents: int


@dataclass(frozen=True)
class Product:
    index: int
    id: int
    title: str
    handle: str
    product_type: str
    vendor: str
    created_time: datetime
    variants: list[Variant]
    popularity: float


@dataclass(frozen=True)
class Shop:
    connector: str | None  # None: a tenant without a shop still sells (its analytics sees purchases)
    currency: str
    levers: EcommerceGeneration
    products: list[Product]
    popularity: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class AnalyticsTool:
    connector: str | None
    levers: AnalyticsGeneration


@dataclass(frozen=True)
class World:
    tenant: Tenant
    namespace: int
    site_domain: str
    ad_accounts: list[AdAccount]
    shops: list[Shop]
    analytics: list[AnalyticsTool]
    traffic: AnalyticsGeneration  # levers of the site's traffic (first analytics tool, else defaults)
    salt: int

    def ad_account(self, connector: str) -> AdAccount:
        return next(a for a in self.ad_accounts if a.connector == connector)

    def shop(self, connector: str) -> Shop:
        return next(s for s in self.shops if s.connector == connector)


def entity_id(namespace: int, connector: str, kind: int, index: int) -> str:
    """Numeric id string, unique per tenant namespace, platform and entity kind."""
    return f"{namespace}{PLATFORM_CODES[connector]:02d}{kind}{index + 1:07d}"


def _ts(rng: np.random.Generator, max_days: int) -> datetime:
    """A creation time up to `max_days` before the entity epoch, so entities predate any simulated day."""
    return ENTITY_EPOCH - timedelta(seconds=int(rng.integers(1, max_days * 86400)))


def _ad_account(tenant: Tenant, connector: str, levers: PaidAdsGeneration, site_domain: str, n_products: int):
    ns = tenant.namespace
    rng = rng_for(tenant.slug, tenant.seed, "entities", connector)
    themes = SEARCH_THEMES if connector in SEARCH_PLATFORMS else SOCIAL_THEMES
    utm_source, utm_medium = UTM[connector]
    platform_label = {
        "facebook_ads": "FB",
        "instagram_ads": "IG",
        "google_ads": "GGL",
        "bing_ads": "MSFT",
        "linkedin_ads": "LI",
        "amazon_ads": "SP",
        "tiktok_ads": "TT",
    }[connector]
    n_paused = min(levers.paused_campaigns, max(levers.campaigns - 1, 0))
    campaign_weights = rng.dirichlet(np.full(levers.campaigns, 2.0))
    campaign_weights[levers.campaigns - n_paused :] = 0.0
    campaign_weights = campaign_weights / campaign_weights.sum()
    campaigns, ad_groups, ads = [], [], []
    for ci in range(levers.campaigns):
        theme = themes[(ci + int(rng.integers(0, len(themes)))) % len(themes)]
        geo = GEOS[int(rng.integers(0, len(GEOS)))]
        status = "PAUSED" if ci >= levers.campaigns - n_paused else "ACTIVE"
        cid = entity_id(ns, connector, 1, ci)
        created = _ts(rng, 600)
        name = f"{platform_label} | {theme} | {geo} | C{ci + 1:02d}"
        if connector == "bing_ads":
            channel_type = BING_CAMPAIGN_TYPES.get(theme, "Search")
        else:
            channel_type = GOOGLE_CHANNEL_TYPES.get(theme, "SEARCH")
        campaigns.append(
            Campaign(
                index=ci,
                id=cid,
                name=name,
                status=status,
                objective="SALES" if connector not in SEARCH_PLATFORMS else "SEARCH",
                daily_budget=round(levers.daily_spend * max(campaign_weights[ci], 0.05) * 1.25, 2),
                created_time=created,
                weight=float(campaign_weights[ci]),
                channel_type=channel_type,
                geo_countries=tuple(int(c) for c in geo_target(name, COUNTRY_CODES)),
            )
        )
        group_weights = rng.dirichlet(np.full(levers.ad_groups_per_campaign, 3.0))
        for gi in range(levers.ad_groups_per_campaign):
            g_index = ci * levers.ad_groups_per_campaign + gi
            gid = entity_id(ns, connector, 2, g_index)
            audience = AUDIENCES[int(rng.integers(0, len(AUDIENCES)))]
            ad_groups.append(
                AdGroup(
                    index=g_index,
                    id=gid,
                    campaign_id=cid,
                    name=f"{audience} | G{gi + 1:02d}",
                    status=status,
                    created_time=created + timedelta(hours=int(rng.integers(1, 72))),
                )
            )
            ad_weights = rng.dirichlet(np.full(levers.ads_per_ad_group, 3.0))
            for ai in range(levers.ads_per_ad_group):
                a_index = g_index * levers.ads_per_ad_group + ai
                aid = entity_id(ns, connector, 3, a_index)
                path = LANDING_PATHS[int(rng.integers(0, len(LANDING_PATHS)))]
                campaign_name = campaigns[-1].name
                url = (
                    f"https://{site_domain}{path}?utm_source={utm_source}&utm_medium={utm_medium}"
                    f"&utm_campaign={quote(campaign_name, safe='')}&utm_content={aid}&utm_id={cid}"
                )
                ads.append(
                    Ad(
                        index=a_index,
                        id=aid,
                        ad_group_id=gid,
                        campaign_id=cid,
                        name=f"{AD_FORMATS[int(rng.integers(0, 5))]} Ad {ai + 1} | {campaign_name.split(' | ')[1]}",
                        status=status,
                        final_url=url,
                        created_time=created + timedelta(hours=int(rng.integers(72, 200))),
                        weight=float(campaign_weights[ci] * group_weights[gi] * ad_weights[ai]),
                        cpm_factor=float(rng.lognormal(0.0, 0.25)),
                        ctr_factor=float(rng.lognormal(0.0, 0.3)),
                        product_index=int(rng.integers(0, n_products)),
                    )
                )
    account_id = entity_id(ns, connector, 0, 0)
    return AdAccount(
        connector=connector,
        account_id=account_id,
        account_name=f"{tenant.name} - {platform_label}",
        currency=levers.currency,
        levers=levers,
        campaigns=campaigns,
        ad_groups=ad_groups,
        ads=ads,
        utm_source=utm_source,
        utm_medium=utm_medium,
    )


def _shop(tenant: Tenant, connector: str | None, levers: EcommerceGeneration) -> Shop:
    ns = tenant.namespace
    key = connector or "default_shop"
    code_connector = connector or "shopify"
    rng = rng_for(tenant.slug, tenant.seed, "entities", key)
    # Item prices centred so that the average order (about 1.6 units, plus shipping and tax) meets the lever.
    mean_price = levers.avg_order_value / 1.8
    products = []
    for pi in range(levers.products):
        adj = PRODUCT_ADJECTIVES[int(rng.integers(0, len(PRODUCT_ADJECTIVES)))]
        noun = PRODUCT_NOUNS[int(rng.integers(0, len(PRODUCT_NOUNS)))]
        title = f"{adj} {noun} {pi + 1}"
        options = VARIANT_OPTIONS[int(rng.integers(0, len(VARIANT_OPTIONS)))]
        base = max(rng.lognormal(np.log(mean_price), 0.35), 1.0)
        pid = int(entity_id(ns, code_connector, 4, pi))
        variants = []
        for vi, opt in enumerate(options):
            price = round(base * (1 + 0.05 * vi), 2)
            variants.append(
                Variant(
                    id=int(f"{pid}{vi + 1:02d}"),
                    sku=f"SKU-{ns}-{pi + 1:04d}-{vi + 1}",
                    title=opt,
                    price_cents=int(round(price * 100)),
                )
            )
        products.append(
            Product(
                index=pi,
                id=pid,
                title=title,
                handle=title.lower().replace(" ", "-"),
                product_type=PRODUCT_TYPES[int(rng.integers(0, len(PRODUCT_TYPES)))],
                vendor=tenant.name,
                created_time=_ts(rng, 500),
                variants=variants,
                popularity=0.0,
            )
        )
    ranks = np.arange(1, levers.products + 1, dtype=np.float64)
    popularity = 1.0 / ranks**0.9
    popularity = popularity[rng.permutation(levers.products)]
    popularity = popularity / popularity.sum()
    return Shop(connector=connector, currency=levers.currency, levers=levers, products=products, popularity=popularity)


def build_world(tenant: Tenant) -> World:
    salt = derive_seed(tenant.slug, tenant.seed, "visitors")
    site_domain = f"www.{tenant.slug.replace('_', '-')}.example.com"
    shops = [_shop(tenant, s.connector, s.generation) for s in tenant.sources_in(Domain.ecommerce)]
    if not shops:
        shops = [_shop(tenant, None, EcommerceGeneration())]
    n_products = len(shops[0].products)
    ad_accounts = [
        _ad_account(tenant, s.connector, s.generation, site_domain, n_products)
        for s in tenant.sources_in(Domain.paid_ads)
    ]
    analytics = [AnalyticsTool(s.connector, s.generation) for s in tenant.sources_in(Domain.analytics)]
    traffic = analytics[0].levers if analytics else AnalyticsGeneration()
    if not analytics:
        analytics = [AnalyticsTool(None, traffic)]
    return World(
        tenant=tenant,
        namespace=tenant.namespace,
        site_domain=site_domain,
        ad_accounts=ad_accounts,
        shops=shops,
        analytics=analytics,
        traffic=traffic,
        salt=salt,
    )


# --- visitors: attributes as pure functions of the visitor index ---------------------------------------


@dataclass(frozen=True)
class Visitors:
    """Attributes of a set of visitors (by pool index), computed by hashing, never stored."""

    index: np.ndarray
    registered: np.ndarray
    device: np.ndarray  # index into DEVICES
    country: np.ndarray  # index into COUNTRIES
    city: np.ndarray  # index into the country's cities
    browser: np.ndarray
    os: np.ndarray
    tool: np.ndarray  # index into world.analytics: which tool tracks this visitor
    h_id: np.ndarray  # raw hashes for ids
    h_id2: np.ndarray
    h_name: np.ndarray


def visitors(world: World, index: np.ndarray) -> Visitors:
    idx = np.asarray(index, dtype=np.uint64)

    def h(tag: int) -> np.ndarray:
        return hash_index(world.salt + tag, idx)

    u = unit_float(h(1))
    registered = u < world.traffic.registered_share
    device = np.searchsorted(np.cumsum([w for _, w in DEVICES]), unit_float(h(2)) * sum(w for _, w in DEVICES))
    device = np.minimum(device, len(DEVICES) - 1)
    # country hashes the visitor pair (2k, 2k + 1): `day` picks the time of day from the country before it
    # settles which of the two visits (see day._pair_parity)
    weights = country_weights(np.array([c[3] for c in COUNTRIES]), COUNTRY_CODES, world.shops[0].currency)
    cw = np.cumsum(weights)
    h3 = hash_index(world.salt + 3, idx >> np.uint64(1))
    country = np.minimum(np.searchsorted(cw, unit_float(h3) * cw[-1]), len(COUNTRIES) - 1)
    h4 = h(4)
    shares = np.array([t.levers.traffic_share for t in world.analytics])
    tw = np.cumsum(shares / shares.sum())
    tool = np.minimum(np.searchsorted(tw, unit_float(h(5))), len(world.analytics) - 1)
    return Visitors(
        index=idx,
        registered=registered,
        device=device,
        country=country,
        city=(h4 % np.uint64(5)).astype(np.int64),
        browser=((h4 >> np.uint64(8)) % np.uint64(4)).astype(np.int64),
        os=((h4 >> np.uint64(16)) % np.uint64(3)).astype(np.int64),
        tool=tool,
        h_id=h(6),
        h_id2=h(7),
        h_name=h(8),
    )


@dataclass(frozen=True)
class VisitorIds:
    """Identifiers of a set of visitors, identical in every source that sees them."""

    user_pseudo_id: list[str]  # GA4 client id
    device_id: list[str]  # Amplitude / Mixpanel device id
    amplitude_id: np.ndarray
    customer_id: np.ndarray  # shop customer id, also the login user id in analytics
    first_name: list[str]
    last_name: list[str]
    email: list[str]
    signup_us: np.ndarray  # account creation time (µs), before the visitor's first login


SECOND_DEVICE_TAGS = (16, 17)  # hash tags of a visitor's second device's ids


def visitor_ids(world: World, index: np.ndarray, device_slot: np.ndarray | None = None) -> VisitorIds:
    """Ids of visitors; `device_slot` 1 gives the visitor's second device (its own client and device ids,
    the same customer id, email and name), so one person shows up under two devices."""
    v = visitors(world, index)
    idx = v.index.astype(np.int64)
    hid, hid2, hname = v.h_id, v.h_id2, v.h_name
    if device_slot is not None and np.any(device_slot):
        second = np.asarray(device_slot, dtype=bool)
        hid = np.where(second, hash_index(world.salt + SECOND_DEVICE_TAGS[0], v.index), hid)
        hid2_device = np.where(second, hash_index(world.salt + SECOND_DEVICE_TAGS[1], v.index), hid2)
    else:
        hid2_device = hid2
    pseudo = [
        f"{1_000_000_000 + a % 1_000_000_000}.{1_650_000_000 + b % 60_000_000}"
        for a, b in zip(hid.tolist(), hid2_device.tolist(), strict=True)
    ]
    device = [f"{a:016x}{b:016x}" for a, b in zip(hid.tolist(), hid2_device.tolist(), strict=True)]
    first = [FIRST_NAMES[h % len(FIRST_NAMES)] for h in hname.tolist()]
    last = [LAST_NAMES[(h >> 8) % len(LAST_NAMES)] for h in hname.tolist()]
    domains = [EMAIL_DOMAINS[(h >> 16) % len(EMAIL_DOMAINS)] for h in hname.tolist()]
    email = [f"{f}.{la}{i + 1}@{d}" for f, la, i, d in zip(first, last, idx.tolist(), domains, strict=True)]
    signup = ENTITY_EPOCH.timestamp() * 1_000_000 - (hid2 % np.uint64(700 * 86400)).astype(np.int64) * 1_000_000
    return VisitorIds(
        user_pseudo_id=pseudo,
        device_id=device,
        amplitude_id=(world.namespace * 10**10 + idx + 1).astype(np.int64),
        customer_id=(world.namespace * 10**10 + 9 * 10**9 + idx + 1).astype(np.int64),
        first_name=[f.capitalize() for f in first],
        last_name=[la.capitalize() for la in last],
        email=email,
        signup_us=signup.astype(np.int64),
    )


def visitor_identity(world: World, index: int) -> dict[str, str | int]:
    """Stable identity of one visitor: analytics ids, customer id, name and email."""
    ids = visitor_ids(world, np.array([index]))
    return {
        "user_pseudo_id": ids.user_pseudo_id[0],
        "device_id": ids.device_id[0],
        "amplitude_id": int(ids.amplitude_id[0]),
        "customer_id": int(ids.customer_id[0]),
        "first_name": ids.first_name[0],
        "last_name": ids.last_name[0],
        "email": ids.email[0],
    }
