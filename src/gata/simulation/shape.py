"""The shape of a real shop's traffic: local time of day and week, a calendar of peak days, home markets,
geo-targeting, tax by country and campaign channel types that match their names.

Kept apart from `day` because these are facts about the world (when people in Sydney shop, what VAT is in
Italy, when Black Friday falls), not random draws; `day` combines them with the day's random streams.
Time zones are standard time all year (no daylight saving): an hour's shift twice a year changes no
figure an analyst reads from a simulated shop.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from gata.config.tenants import AnalyticsGeneration, parse_peak_day

# UTC offset (hours) of each country in `world.COUNTRIES` order: US (central), GB, DE, CA (eastern), FR, AU
# (Sydney), NL, ES, IT.
COUNTRY_UTC_OFFSET = np.array([-6, 0, 1, -5, 1, 10, 1, 1, 1])
# Sessions by local hour: a quiet night, a morning climb, an evening peak (e-commerce's usual day).
LOCAL_HOUR_WEIGHTS = np.array(
    [3, 2, 1, 1, 1, 1, 2, 4, 5, 6, 7, 7, 8, 7, 7, 7, 7, 7, 8, 9, 10, 10, 8, 5], dtype=np.float64
)
# The old single curve in UTC (hours 0-21 only), kept for `local_time: false`.
UTC_HOUR_WEIGHTS = np.array([2, 1, 1, 1, 1, 2, 3, 5, 6, 7, 8, 8, 8, 8, 8, 8, 9, 9, 10, 10, 9, 7], dtype=np.float64)
WEEKDAY_FACTOR = np.array([1.00, 1.04, 1.03, 1.00, 0.96, 0.86, 0.90])  # Monday..Sunday, local

# Sales tax / VAT / GST by country (same order as COUNTRIES): what a shop charges a buyer there.
COUNTRY_TAX_RATE = np.array([0.07, 0.20, 0.19, 0.13, 0.20, 0.10, 0.21, 0.21, 0.22])

# A shop's home market: visitors from these countries weigh this much more in the visitor mix.
HOME_MARKETS = {"USD": ("US",), "EUR": ("DE", "FR", "NL", "ES", "IT"), "GBP": ("GB",), "CAD": ("CA",), "AUD": ("AU",)}
HOME_MARKET_BOOST = 10.0

# Campaign name geo -> countries it targets (ISO codes of COUNTRIES); "UK" is how marketers write GB.
GEO_TARGETS = {
    "US": ("US",),
    "UK": ("GB",),
    "DE": ("DE",),
    "CA": ("CA",),
    "FR": ("FR",),
    "AU": ("AU",),
    "EU": ("DE", "FR", "NL", "ES", "IT"),
    "NA": ("US", "CA"),
}

# Google Ads' advertising_channel_type and Microsoft Ads' CampaignType of a search-platform campaign theme.
GOOGLE_CHANNEL_TYPES = {"Shopping": "SHOPPING", "Performance Max": "PERFORMANCE_MAX"}
BING_CAMPAIGN_TYPES = {"Shopping": "Shopping", "Performance Max": "PerformanceMax"}


def black_friday(year: int) -> date:
    """The day after the fourth Thursday of November."""
    first = date(year, 11, 1)
    thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    return thursday + timedelta(days=22)


def peak_factor(levers: AnalyticsGeneration, day: date) -> float:
    """The calendar's uplift of a day (1.0 on ordinary days; factors of entries naming the same day multiply)."""
    factor = 1.0
    for entry in levers.peak_days:
        name, value = parse_peak_day(entry)
        if name == "black_friday":
            hit = day == black_friday(day.year)
        elif name == "cyber_monday":
            hit = day == black_friday(day.year) + timedelta(days=3)
        else:
            hit = day.strftime("%m-%d") == name
        if hit:
            factor *= value
    return factor


def utc_hour_weights(country: int, local_time: bool) -> np.ndarray:
    """Probability of each UTC hour for a session from `country`, from its local curve."""
    if not local_time:
        weights = np.concatenate([UTC_HOUR_WEIGHTS, np.zeros(24 - len(UTC_HOUR_WEIGHTS))])
    else:
        # local hour h is UTC hour h - offset: the UTC curve is the local one rolled by the offset
        weights = np.roll(LOCAL_HOUR_WEIGHTS, -int(COUNTRY_UTC_OFFSET[country]))
    return weights / weights.sum()


def local_weekday(day: date, start_seconds: np.ndarray, country: np.ndarray) -> np.ndarray:
    """Local weekday (0 Monday) of sessions starting `start_seconds` after UTC midnight of `day`."""
    local_hours = start_seconds / 3600.0 + COUNTRY_UTC_OFFSET[country]
    shift = np.floor(local_hours / 24.0).astype(np.int64)
    return (day.weekday() + shift) % 7


def country_weights(base: np.ndarray, codes: list[str], currency: str) -> np.ndarray:
    """Visitor country mix: the base weights with the shop's home market boosted."""
    home = HOME_MARKETS.get(currency, ())
    boost = np.array([HOME_MARKET_BOOST if code in home else 1.0 for code in codes])
    weights = base * boost
    return weights / weights.sum()


def geo_target(campaign_name: str, codes: list[str]) -> np.ndarray:
    """Indices (into COUNTRIES) a campaign targets, from the geo in its name ('GGL | Brand | UK | C01')."""
    parts = campaign_name.split(" | ")
    geo = parts[2] if len(parts) > 2 else ""
    return np.array([codes.index(c) for c in GEO_TARGETS.get(geo, ()) if c in codes], dtype=np.int64)
