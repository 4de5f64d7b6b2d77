"""HTTP basic credentials as the simulated platforms that use them read them (WooCommerce's consumer key and
secret, Amplitude's API and secret keys, Mixpanel's service account)."""

from __future__ import annotations

import base64
import binascii

from fastapi import Request


def basic_credentials(request: Request) -> tuple[str, str]:
    """(user, password) of an `Authorization: Basic` header; empty strings when there is none or it is garbled."""
    header = request.headers.get("authorization", "")
    if not header.startswith("Basic "):
        return "", ""
    try:
        user, _, password = base64.b64decode(header[6:], validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    return user, password
