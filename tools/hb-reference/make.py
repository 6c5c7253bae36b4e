#!/usr/bin/env python3
"""Writes renderer-wasm/tests/oracle/harfbuzz.json from hb-shape (see README.md)."""
import glob
import hashlib
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "renderer-wasm", "tests", "oracle", "harfbuzz.json")

# One script per string: the words of the right-to-left golden, marks, ligatures.
STRINGS = [
    # Arabic (the rtl_arabic_hebrew golden's words, joined forms and a shadda)
    "الإيرادات",
    "المبيعات حسب المنطقة",
    "القاهرة",
    "دبي",
    "عمّان",
    "وحدة",
    "لا إله",
    "مُحَمَّد",
    # Hebrew, with and without points
    "הכנסות",
    "אזור",
    "ירושלים",
    "תל אביב",
    "חיפה",
    "שָׁלוֹם",
    # Latin: ligatures, kerning, combining marks
    "office affluent",
    "AVAV To Ty",
    "e\u0301 n\u0303 a\u0308",
    "Température",
]


def font_path():
    pattern = os.path.expanduser(
        "~/.cargo/registry/src/*/dejavu-2.37.0/assets/dejavu-fonts-ttf-2.37/ttf/DejaVuSans.ttf"
    )
    found = sorted(glob.glob(pattern))
    if not found:
        sys.exit("DejaVuSans.ttf of the dejavu 2.37.0 crate not found; run cargo fetch first")
    return found[0]


def main():
    font = font_path()
    version = subprocess.run(
        ["hb-shape", "--version"], capture_output=True, text=True, check=True
    ).stdout.splitlines()[0]
    cases = []
    for text in STRINGS:
        out = subprocess.run(
            ["hb-shape", "--font-file", font, "--output-format=json", "--no-glyph-names", "--utf8-clusters", text],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        glyphs = json.loads(out)
        # hb-shape's clusters are UTF-8 byte offsets, as plotbox's text ranges.
        cases.append(
            {
                "text": text,
                "glyphs": [[g["g"], g["cl"], g["dx"], g["dy"], g["ax"]] for g in glyphs],
            }
        )
    fixture = {
        "generator": version,
        "font_sha256": hashlib.sha256(open(font, "rb").read()).hexdigest(),
        "glyph_fields": ["id", "cluster", "x_offset", "y_offset", "x_advance"],
        "cases": cases,
    }
    # One line per string keeps the fixture readable and its diffs small.
    lines = ",\n".join("  " + json.dumps(case, ensure_ascii=False) for case in cases)
    head = json.dumps({k: v for k, v in fixture.items() if k != "cases"}, ensure_ascii=False)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(head[:-1] + ',\n "cases": [\n' + lines + "\n ]\n}\n")
    print(f"wrote {OUT}: {len(cases)} strings")


if __name__ == "__main__":
    main()
