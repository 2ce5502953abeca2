"""Preview of a 1,000,000-row CSV: wall time and peak memory.

The preview reads every row once (csv module), normalises the chosen column
and counts valid, normalised, repeated, known and invalid rows. The floor,
measured in the same run on the same file, is Python's csv module merely
reading every row. Rounds alternate and the best of each is kept. Target: at
most 3x the floor's time.

Memory must not grow with the file beyond the set of unique numbers: the same
100,000 numbers are written as 250,000 and as 1,000,000 rows (1% of them
invalid), and the preview's peak Python allocation (tracemalloc) is printed
for both, next to the size of a plain set of those numbers.

The same for an .xlsx workbook of the same rows (``--no-xlsx`` skips it):
numbers as number cells (``923001234567``, ``3001234567.0``) and as text,
written with openpyxl. The floor is openpyxl's own read-only iteration of the
sheet's values (target: at most 1.5x); memory is measured the same way. The
rows stream; what openpyxl keeps whole is the workbook's table of distinct
texts (shared strings), so here a number keeps one written form and the names
come from a pool, as in a real contact sheet where texts repeat.

Run: python bench/import_preview.py [--rows N] [--unique U] [--rounds R] [--no-xlsx]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.engine.imports import preview_file

TARGET = 3.0
XLSX_TARGET = 1.5


def write_file(path: Path, rows: int, unique: int, seed: int = 5) -> None:
    """Rows of name, number, city; numbers in five spreadsheet formats; 1% invalid."""
    rng = random.Random(seed)
    pool = [f"3{n:09d}" for n in rng.sample(range(1, 999_999_999), unique)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["Name", "Phone", "City"])
        for i in range(rows):
            digits = pool[i % unique] if i < unique else rng.choice(pool)
            kind = i % 100
            if kind == 99:
                cell = "9.23001E+11"  # rounded by a spreadsheet: invalid
            elif kind < 40:
                cell = "92" + digits
            elif kind < 70:
                cell = "0" + digits
            elif kind < 85:
                cell = f"0{digits[:3]}-{digits[3:]}"
            elif kind < 95:
                cell = f"+92 {digits[:3]} {digits[3:]}"
            else:
                cell = f"{digits}.0"
            writer.writerow([f"Customer {i}", cell, "Lahore"])


def write_workbook(path: Path, rows: int, unique: int, seed: int = 5) -> None:
    """The rows of ``write_file`` as a workbook: name, phone, city; a number's
    written form depends on the number (as one contact keeps one cell); 1% invalid."""
    import openpyxl

    rng = random.Random(seed)
    pool = [f"3{n:09d}" for n in rng.sample(range(1, 999_999_999), unique)]
    names = [f"Customer {i}" for i in range(1000)]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Contacts")
    sheet.append(["Name", "Phone", "City"])
    for i in range(rows):
        index = i % unique if i < unique else rng.randrange(unique)
        digits = pool[index]
        kind = index % 100
        cell: object
        if i % 100 == 99:
            cell = "9.23001E+11"  # rounded by a spreadsheet: invalid
        elif kind < 40:
            cell = int("92" + digits)  # a number cell
        elif kind < 60:
            cell = float(digits)  # a number cell shown as 3001234567.0
        elif kind < 85:
            cell = "0" + digits  # text
        else:
            cell = f"0{digits[:3]}-{digits[3:]}"
        sheet.append([names[i % 1000], cell, "Lahore"])
    workbook.save(path)


def xlsx_floor(path: Path, *, one_parse: bool = True) -> float:
    """openpyxl's read-only iteration of the first sheet's values. As is, its
    load parses a sheet without a size record (as openpyxl writes it) once more
    to size it; ``one_parse`` spares it that, as the reader does."""
    import openpyxl

    from tui.engine.sheets import _sizing_stops_at_the_data

    started = time.perf_counter()
    with path.open("rb") as handle:
        with _sizing_stops_at_the_data() if one_parse else contextlib.nullcontext():
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        for _ in workbook.worksheets[0].iter_rows(values_only=True):
            pass
        workbook.close()
    return time.perf_counter() - started


def xlsx_row(rows: int, unique: int, rounds: int, tmp: str) -> bool:
    big = Path(tmp) / "big.xlsx"
    small = Path(tmp) / "small.xlsx"
    started = time.perf_counter()
    write_workbook(big, rows, unique)
    write_workbook(small, rows // 4, unique)
    written = time.perf_counter() - started
    floors, as_is, times = [], [], []
    to_upload = 0
    for _ in range(rounds):
        floors.append(xlsx_floor(big))
        as_is.append(xlsx_floor(big, one_parse=False))
        elapsed, to_upload = ours(big)
        times.append(elapsed)
    peak_small, invalid_small = peak_memory(small)
    peak_big, invalid_big = peak_memory(big)
    size_mb = big.stat().st_size / 1e6
    best_floor, best_ours = min(floors), min(times)
    ratio = best_ours / best_floor
    growth = peak_big / peak_small
    print(
        f"xlsx: {rows:,} rows ({size_mb:.0f} MB, written in {written:.0f} s for both sizes), "
        f"{to_upload:,} unique valid numbers"
    )
    print(f"preview (ours):                  {best_ours:6.2f} s")
    print(f"openpyxl read-only only (floor): {best_floor:6.2f} s")
    print(f"openpyxl as is (sizing parse):   {min(as_is):6.2f} s")
    print(f"ratio ours/floor: {ratio:.2f} (target <= {XLSX_TARGET})")
    print(
        f"peak memory: {peak_small / 1e6:.1f} MB for {rows // 4:,} rows "
        f"({invalid_small:,} invalid), {peak_big / 1e6:.1f} MB for {rows:,} rows "
        f"({invalid_big:,} invalid)"
    )
    print(f"memory growth from 4x the rows: {growth:.2f}x")
    return ratio <= XLSX_TARGET and growth < 1.5


def floor(path: Path) -> float:
    started = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as handle:
        for _ in csv.reader(handle):
            pass
    return time.perf_counter() - started


def ours(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    with preview_file(path) as preview:
        elapsed = time.perf_counter() - started
        return elapsed, preview.to_upload


def peak_memory(path: Path) -> tuple[int, int]:
    """Peak bytes allocated during the preview, and the invalid rows counted."""
    tracemalloc.start()
    try:
        with preview_file(path) as preview:
            invalid = preview.invalid
        return tracemalloc.get_traced_memory()[1], invalid
    finally:
        tracemalloc.stop()


def set_size(path: Path) -> int:
    """Bytes of a plain set of the file's unique numbers (the unavoidable part)."""
    with preview_file(path) as preview:
        numbers = preview.numbers
    tracemalloc.start()
    try:
        kept = {number[:6] + number[6:] for number in numbers}  # new strings, as read
        size = tracemalloc.get_traced_memory()[0]
        del kept
        return size
    finally:
        tracemalloc.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--unique", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-xlsx", action="store_true", help="skip the .xlsx row")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.csv"
        small = Path(tmp) / "small.csv"
        write_file(big, args.rows, args.unique)
        write_file(small, args.rows // 4, args.unique)
        floors, times = [], []
        to_upload = 0
        for _ in range(args.rounds):
            floors.append(floor(big))
            elapsed, to_upload = ours(big)
            times.append(elapsed)
        best_floor, best_ours = min(floors), min(times)
        peak_small, invalid_small = peak_memory(small)
        peak_big, invalid_big = peak_memory(big)
        unique_set = set_size(big)
        size_mb = big.stat().st_size / 1e6
    ratio = best_ours / best_floor
    print(f"file: {args.rows:,} rows ({size_mb:.0f} MB), {to_upload:,} unique valid numbers")
    print(f"preview (ours):         {best_ours:6.2f} s")
    print(f"csv.reader only (floor): {best_floor:6.2f} s")
    print(f"ratio ours/floor: {ratio:.2f} (target <= {TARGET})")
    print(
        f"peak memory: {peak_small / 1e6:.1f} MB for {args.rows // 4:,} rows "
        f"({invalid_small:,} invalid), {peak_big / 1e6:.1f} MB for {args.rows:,} rows "
        f"({invalid_big:,} invalid); a set of the unique numbers alone: {unique_set / 1e6:.1f} MB"
    )
    growth = peak_big / peak_small
    print(f"memory growth from 4x the rows: {growth:.2f}x")
    ok = ratio <= TARGET and growth < 1.5
    if not args.no_xlsx:
        with tempfile.TemporaryDirectory() as tmp:
            ok = xlsx_row(args.rows, args.unique, args.rounds, tmp) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
