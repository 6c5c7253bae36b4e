#!/usr/bin/env python3
"""matplotlib as the test oracle for plotbox's box statistics (renderer-wasm/src/layout/boxstats.rs).

Writes renderer-wasm/tests/oracle/boxstats.json: for a fixed table of datasets (sizes 1
to 1000, ties, outliers on both sides, all equal, negative, huge and tiny magnitudes,
gaps) and whisker factors 1.5, 0.5, 3 and 0, what

    matplotlib.cbook.boxplot_stats(np.ma.masked_invalid(data), whis=whis)[0]

returns, gaps (JSON null) being NaN in `data` and so masked, as plotbox drops them.
Data with no values left is recorded with "expected": null (matplotlib gives NaNs,
plotbox draws no box).

Every float is written as a string, Python's shortest repr, so that the Rust test reads
exactly these doubles (serde_json without `float_roundtrip` may round a number 1 ulp
off).

Run it with the pinned matplotlib (requirements.txt), e.g. with the venv that
regen.sh makes:

    target/mpl-oracle-venv/bin/python tools/mpl-oracle/box_oracle.py
"""

import argparse
import json
import math
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib import cbook

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "renderer-wasm" / "tests" / "oracle" / "boxstats.json"

WHIS = [1.5, 0.5, 3.0, 0.0]
KEYS = ["mean", "med", "q1", "q3", "iqr", "cilo", "cihi", "whislo", "whishi"]


class Lcg:
    """A 64-bit LCG: the table must not depend on numpy's generator streams."""

    def __init__(self, seed):
        self.state = seed

    def unit(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % 2**64
        return (self.state >> 11) / 2**53

    def normal(self):
        # Box-Muller; 1 - unit() is never 0.
        u, v = 1.0 - self.unit(), self.unit()
        return math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * v)


def datasets():
    """(name, data) pairs; None is a gap."""
    rng = Lcg(20240601)
    out = []
    for n in [1, 2, 3, 4, 5, 7, 10, 100, 1000]:
        out.append((f"normal n={n}", [round(rng.normal() * 10 + 50, 6) for _ in range(n)]))
    out.append(("uniform n=1000 unrounded", [rng.unit() * 2 - 1 for _ in range(1000)]))
    out.append(("integers with ties n=100", [math.floor(rng.unit() * 8) for _ in range(100)]))
    out.append(("ties at the quartiles", [1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5]))
    out.append(("outliers both sides", [-50, 1, 2, 3, 4, 5, 6, 7, 8, 9, 60, -40, 45]))
    out.append(("outlier high only", [10, 11, 12, 11, 10, 12, 11, 100]))
    out.append(("outlier low only", [10, 11, 12, 11, 10, 12, 11, -100]))
    out.append(("all equal", [3.5] * 9))
    out.append(("all equal but one", [2.0] * 9 + [7.0]))
    out.append(("negative", [-(rng.unit() * 100) - 5 for _ in range(37)]))
    out.append(("mixed sign around zero", [rng.normal() * 1e-3 for _ in range(50)]))
    out.append(("huge", [rng.normal() * 1e300 for _ in range(40)]))
    out.append(("huge positive", [(1 + rng.unit()) * 1e305 for _ in range(12)]))
    out.append(("tiny", [rng.normal() * 1e-300 for _ in range(40)]))
    out.append(("subnormal", [5e-324 * k for k in [1, 3, 2, 9, 4, 4, 100, 7]]))
    out.append(("large offset, small spread", [1e15 + rng.normal() for _ in range(200)]))
    out.append(("cancelling magnitudes", [1e16, 1.0, -1e16, 3.0, 2.0, 1e-3, -2.5, 7.0, 1e16, -1e16]))
    out.append(("zeros and negative zeros", [0.0, -0.0, 0.0, -0.0, 1.0]))
    out.append(("heavy tails", [rng.normal() ** 3 * 10 for _ in range(300)]))
    out.append(("descending", [float(100 - k) for k in range(25)]))
    out.append(("two clusters", [1.0] * 10 + [100.0] * 3 + [50.0]))
    out.append(("with gaps", [3.0, None, 1.0, 4.0, None, 1.0, 5.0, 9.0, 2.0, 6.0, None]))
    out.append(("one value between gaps", [None, 42.0, None]))
    out.append(("only gaps", [None, None]))
    out.append(("empty", []))
    return out


def text(value):
    return repr(float(value))


def case(name, data, whis):
    array = np.ma.masked_invalid(np.array([math.nan if v is None else v for v in data], dtype=float))
    present = array.compressed()
    entry = {
        "name": f"{name}, whis={whis}",
        "whis": text(whis),
        "data": [None if v is None else text(v) for v in data],
    }
    if present.size == 0:
        entry["expected"] = None
        return entry
    stats = cbook.boxplot_stats(array, whis=whis)[0]
    expected = {key: text(stats[key]) for key in KEYS}
    expected["fliers"] = [text(v) for v in stats["fliers"]]
    entry["expected"] = expected
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    cases = [case(name, data, whis) for name, data in datasets() for whis in WHIS]
    header = {
        "matplotlib": matplotlib.__version__,
        "numpy": np.__version__,
        "generated_by": "tools/mpl-oracle/box_oracle.py",
    }
    lines = [json.dumps(header)[:-1] + ', "cases": [']
    lines.append(",\n".join(json.dumps(c) for c in cases))
    lines.append("]}")
    args.out.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(cases)} cases to {args.out}")


if __name__ == "__main__":
    main()
