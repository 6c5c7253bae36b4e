#!/usr/bin/env python3
"""matplotlib as the test oracle for plotbox's time axis (renderer-wasm/src/layout/dates.rs).

Writes renderer-wasm/tests/oracle/dates.json: for a fixed grid of views (spans from a
few microseconds to thousands of years, at month and year boundaries, around leap days,
before 1970, far from the epoch, near the ends of matplotlib's calendar) in UTC, +05:30
and -08:00, the major ticks inside the view, their labels and the offset text of an
x axis with

    locator = AutoDateLocator(tz=tz, maxticks=...)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=tz))
    ax.set_xlim(lo, hi)          # (hi, lo) for an inverted axis
    fig.canvas.draw()

with tz = datetime.timezone(timedelta(seconds=zone)). Labels are the drawn tick labels.
A view where matplotlib raises (a date outside years 1..9999) is recorded with "error"
and no ticks.

Run it with the pinned matplotlib (requirements.txt), e.g. with the venv that
regen.sh makes:

    target/mpl-oracle-venv/bin/python tools/mpl-oracle/dates_oracle.py
    target/mpl-oracle-venv/bin/python tools/mpl-oracle/dates_oracle.py --random 5000 --out /tmp/d.json

`--random N` adds 2N views drawn from a seeded generator (for a wider sweep than the
committed table; the committed fixture is made without it).
"""

import argparse
import datetime
import json
import random
import warnings
from pathlib import Path

import matplotlib

# Agg before pyplot is imported anywhere, so no display is ever needed.
matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.dates as mdates  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "renderer-wasm" / "tests" / "oracle" / "dates.json"

DAY = 1.0
HOUR = 1.0 / 24
MINUTE = 1.0 / 1440
SECOND = 1.0 / 86400
MICRO = 1.0 / 86400e6

# (name, span in days): every AutoDateLocator frequency and most of its intervals.
SPANS = [
    ("3us", 3 * MICRO),
    ("40us", 40 * MICRO),
    ("700us", 700 * MICRO),
    ("10ms", 10_000 * MICRO),
    ("250ms", 250_000 * MICRO),
    ("1s", SECOND),
    ("4.5s", 4.5 * SECOND),
    ("20s", 20 * SECOND),
    ("1min", MINUTE),
    ("3min", 3 * MINUTE),
    ("10min", 10 * MINUTE),
    ("45min", 45 * MINUTE),
    ("1h", HOUR),
    ("2h", 2 * HOUR),
    ("6h", 6 * HOUR),
    ("14h", 14 * HOUR),
    ("1d", DAY),
    ("30h", 30 * HOUR),
    ("3d", 3 * DAY),
    ("4.9d", 4.9 * DAY),
    ("10d", 10 * DAY),
    ("25d", 25 * DAY),
    ("1mo", 31 * DAY),
    ("2mo", 61 * DAY),
    ("3mo", 92 * DAY),
    ("145d", 145 * DAY),
    ("8mo", 243 * DAY),
    ("1y", 365 * DAY),
    ("3y", 3 * 365.25 * DAY),
    ("5y", 5 * 365.25 * DAY),
    ("12y", 12 * 365.25 * DAY),
    ("30y", 30 * 365.25 * DAY),
    ("75y", 75 * 365.25 * DAY),
    ("300y", 300 * 365.25 * DAY),
    ("2500y", 2500 * 365.25 * DAY),
]

# Start points as wall-clock times in the case's zone.
STARTS = [
    ("2026-03-01", datetime.datetime(2026, 3, 1)),
    ("2026-02-27T13:17:23.5", datetime.datetime(2026, 2, 27, 13, 17, 23, 500000)),
    ("2024-02-28T22:00", datetime.datetime(2024, 2, 28, 22, 0)),
    ("2025-12-31T23:59:30", datetime.datetime(2025, 12, 31, 23, 59, 30)),
    ("1999-12-31T18:00", datetime.datetime(1999, 12, 31, 18, 0)),
    ("1969-12-31T23:00", datetime.datetime(1969, 12, 31, 23, 0)),
    ("1850-06-15T07:45:10", datetime.datetime(1850, 6, 15, 7, 45, 10)),
    ("2100-01-01T00:00:00.000123", datetime.datetime(2100, 1, 1, 0, 0, 0, 123)),
    ("2026-07-04T09:41:07.25", datetime.datetime(2026, 7, 4, 9, 41, 7, 250000)),
]

ZONES = [0, 5 * 3600 + 30 * 60, -8 * 3600]


def zone_name(seconds):
    if seconds == 0:
        return "UTC"
    sign = "+" if seconds > 0 else "-"
    m = abs(seconds) // 60
    return f"{sign}{m // 60:02d}:{m % 60:02d}"


def probe(case):
    """matplotlib's drawn major ticks and offset text for one case."""
    tz = datetime.timezone(datetime.timedelta(seconds=case["zone"]))
    maxticks = None
    if case.get("max_ticks") is not None:
        # plotbox caps each frequency's default at max_ticks.
        n = case["max_ticks"]
        defaults = mdates.AutoDateLocator().maxticks
        maxticks = {freq: min(default, n) for freq, default in defaults.items()}
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    locator = mdates.AutoDateLocator(tz=tz, maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=tz))
    lo, hi = case["lo"], case["hi"]
    out = dict(case)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if case.get("inverted"):
                ax.set_xlim(hi, lo)
            else:
                ax.set_xlim(lo, hi)
            fig.canvas.draw()
            drawn = ax.xaxis._update_ticks()
    except (ValueError, OverflowError) as e:
        out.update(major=[], offset="", error=f"{type(e).__name__}: {e}")
        return out
    a, b = sorted(ax.xaxis.get_view_interval())
    assert (a, b) == (min(lo, hi), max(lo, hi)), (a, b, lo, hi)
    major = [
        {"value": float(t.get_loc()), "label": t.label1.get_text()}
        for t in drawn
        if t in ax.xaxis.majorTicks
    ]
    out.update(major=major, offset=ax.xaxis.get_offset_text().get_text())
    return out


def grid_cases():
    cases = []

    def add(cid, lo, hi, zone, max_ticks=None, inverted=False):
        case = dict(id=cid, lo=float(lo), hi=float(hi), zone=zone)
        if max_ticks is not None:
            case["max_ticks"] = max_ticks
        if inverted:
            case["inverted"] = True
        cases.append(case)

    # Every span from three start points per zone, rotating through the starts so that
    # each (span, start) pair shows up in some zone.
    for si, (span_name, span) in enumerate(SPANS):
        for zi, zone in enumerate(ZONES):
            tz = datetime.timezone(datetime.timedelta(seconds=zone))
            for k in range(3):
                start_name, start = STARTS[(si + 3 * zi + k) % len(STARTS)]
                lo = mdates.date2num(start.replace(tzinfo=tz))
                add(f"{span_name}@{start_name}{zone_name(zone)}", lo, lo + span, zone)

    # Views that end exactly on tick candidates (month and year starts).
    utc = datetime.timezone.utc
    for zone in ZONES:
        tz = datetime.timezone(datetime.timedelta(seconds=zone))
        for a, b in [
            (datetime.datetime(2026, 1, 1), datetime.datetime(2026, 6, 1)),
            (datetime.datetime(2020, 1, 1), datetime.datetime(2030, 1, 1)),
            (datetime.datetime(2026, 3, 1), datetime.datetime(2026, 3, 8)),
            (datetime.datetime(2026, 3, 1, 6), datetime.datetime(2026, 3, 1, 18)),
            (datetime.datetime(2024, 2, 29), datetime.datetime(2024, 3, 1)),
        ]:
            lo = mdates.date2num(a.replace(tzinfo=tz))
            hi = mdates.date2num(b.replace(tzinfo=tz))
            add(f"exact:{a.isoformat()}..{b.isoformat()}{zone_name(zone)}", lo, hi, zone)

    # Thinned labels: every frequency with its maxticks capped.
    for span_name, span in SPANS[::3]:
        for n in (1, 2, 3, 4, 6):
            lo = mdates.date2num(datetime.datetime(2026, 2, 27, 13, 17, 23, 500000, tzinfo=utc))
            add(f"max{n}:{span_name}", lo, lo + span, 0, max_ticks=n)
    # YearLocator's rrule empty (its first year dropped for the view's microseconds, the
    # next past 9999 or the rounded-up end): the view's ends become the ticks.
    for zone in ZONES:
        tz = datetime.timezone(datetime.timedelta(seconds=zone))
        lo = mdates.date2num(datetime.datetime(1200, 5, 5, 0, 0, 0, 250000, tzinfo=tz))
        add(f"year-fallback:2500y{zone_name(zone)}", lo, lo + 2500 * 365.25, zone, max_ticks=2)
        add(f"year-fallback:30y{zone_name(zone)}", lo, lo + 30 * 365.25, zone, max_ticks=1)

    # Inverted axes: the offset comes from the first tick, not the last.
    for span_name, span in SPANS[::4]:
        for zone in (0, ZONES[1]):
            lo = mdates.date2num(datetime.datetime(2025, 12, 30, 20, 0, tzinfo=utc))
            add(f"inverted:{span_name}{zone_name(zone)}", lo, lo + span, zone, inverted=True)

    # The ends of matplotlib's calendar, where it may raise.
    first = mdates.date2num(datetime.datetime(1, 1, 1, tzinfo=utc))
    last = mdates.date2num(datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=utc))
    for zone in ZONES:
        for name, lo, hi in [
            ("first-day", first + 0.25, first + 1.25),
            ("first-decade", first, first + 3650),
            ("first-3mo", first + 2, first + 95),
            ("last-day", last - 1.5, last - 0.5),
            ("last-3mo", last - 95, last - 2),
            ("last-century", last - 36500, last),
            ("all", first, last),
            ("beyond", first - 10, first + 10),
        ]:
            add(f"edge:{name}{zone_name(zone)}", lo, hi, zone)
    return cases


def random_cases(n, seed, prefix="random", wide=False):
    """Seeded views: near the epoch (1860-2134), or anywhere in years 1..9999 (`wide`),
    with spans from 1e-10 days to millennia, odd zones, capped ticks, inverted axes."""
    rng = random.Random(seed)
    cases = []
    first, last = -719162.0, 2932896.0
    for i in range(n):
        zone = rng.choice(ZONES + [rng.randrange(-23 * 60, 23 * 60 + 1) * 60])
        if wide:
            span = 10 ** rng.uniform(-9.0, 6.6)
            lo = rng.uniform(first, last)
            if rng.random() < 0.3:
                lo = float(round(lo))
            if rng.random() < 0.1:
                lo = rng.choice([first, last - span, first + rng.random()])
        else:
            span = 10 ** rng.uniform(-10.0, 5.5)
            lo = rng.uniform(-40000.0, 60000.0)
            if rng.random() < 0.2:
                lo = round(lo * 24) / 24
        max_ticks = rng.choice([None, None, None, 2, 3, 5, 8])
        case = dict(id=f"{prefix}{i}", lo=lo, hi=lo + span, zone=zone)
        if max_ticks is not None:
            case["max_ticks"] = max_ticks
        if rng.random() < 0.1:
            case["inverted"] = True
        cases.append(case)
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--random", type=int, default=0, help="add N seeded random views")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    mpl.rcdefaults()
    # The committed table: the grid plus a fixed sample of the whole calendar (where
    # matplotlib's 20 µs rounding and the YearLocator's fallback show up).
    cases = grid_cases() + random_cases(150, 11, prefix="wide", wide=True)
    cases += random_cases(args.random, args.seed)
    cases += random_cases(args.random, args.seed + 1, prefix="random-wide", wide=True)
    results = [probe(c) for c in cases]
    header = {
        "matplotlib": mpl.__version__,
        "generated_by": "tools/mpl-oracle/dates_oracle.py",
    }
    head = json.dumps(header, ensure_ascii=False)[:-1]
    body = ",\n".join(json.dumps(r, ensure_ascii=False) for r in results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(f'{head}, "cases": [\n{body}\n]}}\n', encoding="utf-8")
    errors = sum(1 for r in results if "error" in r)
    print(f"wrote {len(results)} cases ({errors} where matplotlib raises) to {args.out}")


if __name__ == "__main__":
    main()
