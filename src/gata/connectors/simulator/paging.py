"""Opaque page tokens the simulated platforms hand out (Shopify's cursors, BigQuery's pageToken): an offset
into the served list, base64-encoded so clients treat it as the opaque string the real APIs give."""

from __future__ import annotations

import base64
import binascii


def page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def page_offset(token: str | None) -> int:
    """The offset a token stands for (0 without one); ValueError for a token the simulator never gave."""
    if not token:
        return 0
    try:
        return int(base64.urlsafe_b64decode(token).decode().split(":", 1)[1])
    except (binascii.Error, UnicodeDecodeError, IndexError, ValueError):
        raise ValueError(f"unknown page token {token[:40]!r}") from None
