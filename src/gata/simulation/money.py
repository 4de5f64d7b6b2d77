"""Money helpers: amounts are integer cents inside the simulation; rendered as the APIs spell them.

Exchange rates are the simulated world's own (platforms convert purchase values into the ad account's
currency with them). The warehouse converts with its dated rates seed, which is built from these bases.
"""

from __future__ import annotations

import numpy as np

FX_PER_USD = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "CAD": 1.36, "AUD": 1.52, "JPY": 150.0, "CHF": 0.88, "SEK": 10.5}


def convert_cents(cents: np.ndarray | int, from_currency: str, to_currency: str) -> np.ndarray:
    if from_currency == to_currency:
        return np.asarray(cents, dtype=np.int64)
    rate = FX_PER_USD[to_currency] / FX_PER_USD[from_currency]
    return np.rint(np.asarray(cents, dtype=np.float64) * rate).astype(np.int64)


def fmt_cents(cents: int) -> str:
    """'1234' -> '12.34' (exact, no float rounding)."""
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    return f"{sign}{cents // 100}.{cents % 100:02d}"
