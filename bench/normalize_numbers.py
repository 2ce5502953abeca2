"""Normalising 100,000 pasted numbers, against a one-regex floor.

Generates 100,000 numbers in the formats people paste (seeded, so every run
reads the same input; about one in ten is invalid) and times:

* ``normalize`` on each string, in a loop (catching ``NumberError``);
* ``parse_recipients`` on all of them joined into one text by newlines,
  commas and semicolons;
* the floor: a plain loop applying one compiled regex (that recognises the
  same formats, without normalising or explaining) to the same strings.

Prints the best of five runs of each and the ratios. Target: at most 3x the
floor, and under one second.

Run: ``python bench/normalize_numbers.py``
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable

from tui.gateway.numbers import NumberError, normalize, parse_recipients

COUNT = 100_000
RUNS = 5

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
URDU = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

STYLES: list[Callable[[str], str]] = [
    lambda n: "92" + n,
    lambda n: "0" + n,
    lambda n: "+92" + n,
    lambda n: n,
    lambda n: f"0{n[:3]}-{n[3:]}",
    lambda n: f"+92 {n[:3]} {n[3:]}",
    lambda n: f"0092 {n[:3]} {n[3:]}",
    lambda n: f"(0{n[:3]}) {n[3:6]}.{n[6:]}",
    lambda n: f"0{n[:3]} {n[3:6]} {n[6:]}",
    lambda n: ("0" + n).translate(ARABIC_INDIC),
    lambda n: ("0" + n).translate(URDU),
    lambda n: ("0" + n).translate(FULL_WIDTH),
]
INVALID: list[Callable[[str], str]] = [
    lambda n: "0" + n[:6],  # too short
    lambda n: "0" + n + "12",  # too long
    lambda n: "+44 7911 " + n[:6],  # not Pakistani
    lambda n: "042" + n[1:9],  # landline
    lambda n: "0" + n[:4] + "abc",  # letters
]

# The floor: recognise the same shapes in one pass, with nothing else done.
FLOOR = re.compile(r"\s*\(?(?:\+|00)?(?:92)?[\s\-.()]*[0０٠۰]?[\s\-.()]*\d(?:[\s\-.()]*\d){9}\s*")


def generate(seed: int = 20240601) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(COUNT):
        national = "3" + "".join(rng.choice("0123456789") for _ in range(9))
        styles = INVALID if rng.random() < 0.1 else STYLES
        out.append(rng.choice(styles)(national))
    return out


def best(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def floor_loop(strings: list[str]) -> int:
    match = FLOOR.fullmatch
    ok = 0
    for s in strings:
        if match(s) is not None:
            ok += 1
    return ok


def normalize_loop(strings: list[str]) -> int:
    ok = 0
    for s in strings:
        try:
            normalize(s)
        except NumberError:
            continue
        ok += 1
    return ok


def main() -> None:
    strings = generate()
    separators = ["\n", ", ", "; "]
    rng = random.Random(7)
    text = "".join(s + rng.choice(separators) for s in strings)

    parsed = parse_recipients(text)
    valid = normalize_loop(strings)
    print(
        f"{COUNT:,} numbers: {valid:,} valid "
        f"({len(parsed.valid):,} unique, {len(parsed.duplicates):,} repeats), "
        f"{len(parsed.invalid):,} invalid; floor regex accepts {floor_loop(strings):,}"
    )
    if parsed.total != COUNT:
        raise SystemExit(f"parse_recipients read {parsed.total} tokens, expected {COUNT}")

    t_floor = best(lambda: floor_loop(strings))
    t_norm = best(lambda: normalize_loop(strings))
    t_parse = best(lambda: parse_recipients(text))
    print(f"floor (one compiled regex, plain loop): {t_floor * 1000:8.1f} ms")
    print(
        f"normalize() loop:                       {t_norm * 1000:8.1f} ms"
        f"   ratio {t_norm / t_floor:.2f}x"
    )
    print(
        f"parse_recipients() on the joined text:  {t_parse * 1000:8.1f} ms"
        f"   ratio {t_parse / t_floor:.2f}x"
    )
    worst = max(t_norm, t_parse)
    ok = worst <= 3 * t_floor and worst < 1.0
    print(f"target (<= 3x floor and < 1 s): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
