"""Deterministic random streams, one per question asked of the synthetic data.

Every draw comes from its own stream keyed by the seed and what it is about (the unit, the
indicator, the year, ...), never from one stream shared in generation order: so a value does
not change when another period, unit or form is generated alongside it, and generating one
period alone gives what generating them all gives. Keys are hashed with BLAKE2, not
`hash()`, which Python salts per process.
"""

from __future__ import annotations

import hashlib
import random


def rng(seed: int, *about: object) -> random.Random:
    """The stream for `about` (e.g. "annual", "AL", "I1.01", 2019) under `seed`."""
    key = "\x1f".join(str(part) for part in (seed, *about)).encode("utf-8")
    return random.Random(int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big"))
