"""What every benchmark prints about the machine it ran on: figures from a busy 2-core
machine mean little without the load they were measured under."""

from __future__ import annotations

import datetime as dt
import os


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def header(name: str, *extra: str) -> str:
    """`<name> benchmark, <when>, <cores> cores, load <1, 5, 15 min>[, extra...]`."""
    parts = [
        f"{name} benchmark",
        f"{dt.datetime.now():%Y-%m-%d %H:%M}",
        f"{os.cpu_count()} cores",
        f"load {load()}",
        *extra,
    ]
    return ", ".join(parts)
