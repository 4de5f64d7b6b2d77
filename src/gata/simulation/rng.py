"""Deterministic randomness: every stream is derived from named parts, never from global state.

The same (tenant, seed, component, day) always yields the same numbers, in any process and any order of
generation, which is what makes a day's data identical whether it is generated alone or in a window.
Python's `hash()` and uuid4 are never used.
"""

from __future__ import annotations

import hashlib

import numpy as np

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def derive_seed(*parts: object) -> int:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def rng_for(*parts: object) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(derive_seed(*parts)))


def mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a fast, well-distributed hash of uint64 values (vectorised)."""
    z = values.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        z = (z + np.uint64(0x9E3779B97F4A7C15)) & _MASK
        z = ((z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & _MASK
        z = ((z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & _MASK
        z = z ^ (z >> np.uint64(31))
    return z


def hash_index(salt: int, index: np.ndarray) -> np.ndarray:
    """A uint64 hash of each index under a salt: attributes of pooled entities without storing them."""
    with np.errstate(over="ignore"):
        return mix64(np.asarray(index, dtype=np.uint64) ^ mix64(np.array([salt % 2**64], dtype=np.uint64)))


def unit_float(h: np.ndarray) -> np.ndarray:
    """Map uint64 hashes to floats in [0, 1)."""
    return (h >> np.uint64(11)).astype(np.float64) / float(2**53)


def hex_id(rng: np.random.Generator, n: int, nbytes: int = 16) -> list[str]:
    raw = rng.integers(0, 256, size=(n, nbytes), dtype=np.uint8)
    return [bytes(row).hex() for row in raw]


def uuid_from(hi: int, lo: int) -> str:
    """An RFC-4122-looking id built from two 64-bit hashes (deterministic, version nibble 4)."""
    h = f"{hi:016x}{lo:016x}"
    return f"{h[0:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"
