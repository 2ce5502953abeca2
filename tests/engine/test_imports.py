"""Reading numbers from files and the preview report: real files written in tmp_path."""

from __future__ import annotations

import codecs
import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tui.engine.imports import (
    SHOWN_INVALID,
    ImportFileError,
    cell_number,
    detect_layout,
    preview_file,
    preview_text,
)


def national(n: int) -> str:
    """The n-th test number, national part (3XXXXXXXXX)."""
    return f"3{n:09d}"


FORMATS = (
    lambda d: "92" + d,  # already in gateway form: not normalised
    lambda d: "0" + d,
    lambda d: d,  # leading zero dropped by a spreadsheet
    lambda d: f"0{d[:3]}-{d[3:]}",
    lambda d: f"+92 {d[:3]} {d[3:]}",
    lambda d: f"{d}.0",  # a spreadsheet's number with a decimal
    lambda d: f"9.2{d}E+11",  # scientific notation, every digit kept
    lambda d: f"'0{d}",  # a spreadsheet's text mark
)
BAD_VALUES = (
    ("9.23001E+11", "rounded it to 6 significant digits"),
    ("N/A", "contains letters"),
    ("0300-12345", "too short"),
    ("+44 7700 900123", "not a Pakistani number"),
    ("", "empty"),
)


@dataclass
class Expected:
    rows: int = 0
    valid: int = 0
    normalised: int = 0
    duplicates: int = 0
    already: int = 0
    invalid: int = 0
    to_upload: list[str] = field(default_factory=list)
    #: line -> (value, reason fragment)
    bad_lines: dict[int, tuple[str, str]] = field(default_factory=dict)


def write_mixed_csv(path: Path, known: set[str]) -> Expected:
    """10,000 rows: 8,000 distinct numbers in eight formats, 1,000 repeats (in
    other formats) and 1,000 invalid rows; a BOM, a header and CRLF endings."""
    rng = random.Random(42)
    distinct = rng.sample(range(1, 999_999_999), 8000)
    rows: list[tuple[str, str | None, bool | None]] = []  # (cell, number, normalised)
    for i, n in enumerate(distinct):
        digits = national(n)
        fmt = i % len(FORMATS)
        rows.append((FORMATS[fmt](digits), "92" + digits, fmt != 0))
    for i in range(1000):
        digits = national(distinct[rng.randrange(8000)])
        fmt = (i + 3) % len(FORMATS)
        rows.append((FORMATS[fmt](digits), "92" + digits, fmt != 0))
    for i in range(1000):
        rows.append((BAD_VALUES[i % len(BAD_VALUES)][0], None, None))
    rng.shuffle(rows)
    for n in distinct[:300]:
        known.add("92" + national(n))

    expected = Expected()
    seen: set[str] = set()
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["Name", "Mobile number", "City"])
        for index, (cell, number, normalised) in enumerate(rows):
            writer.writerow([f"Customer {index}", cell, "Karachi"])
            line = index + 2
            expected.rows += 1
            if number is None:
                expected.invalid += 1
                reason = next(r for v, r in BAD_VALUES if v == cell)
                expected.bad_lines[line] = (cell, reason)
                continue
            expected.valid += 1
            expected.normalised += bool(normalised)
            if number in seen:
                expected.duplicates += 1
                continue
            seen.add(number)
            if number in known:
                expected.already += 1
            else:
                expected.to_upload.append(number)
    return expected


def test_preview_of_a_mixed_10000_row_csv_counts_exactly(tmp_path: Path) -> None:
    known: set[str] = set()
    path = tmp_path / "customers.csv"
    expected = write_mixed_csv(path, known)

    with preview_file(path, known=known) as preview:
        assert preview.layout is not None
        assert preview.layout.delimiter == ","
        assert preview.layout.has_header
        assert preview.layout.column == 1  # found: the column holding numbers
        assert preview.rows_read == expected.rows == 10_000
        assert preview.valid == expected.valid == 9_000
        assert preview.normalised == expected.normalised
        assert preview.duplicates_in_file == expected.duplicates == 1_000
        assert preview.already_in_list == expected.already == 300
        assert preview.invalid == expected.invalid == 1_000
        assert preview.numbers == expected.to_upload
        assert preview.to_upload == 7_700
        assert preview.valid == (
            preview.to_upload + preview.duplicates_in_file + preview.already_in_list
        )

        # Line numbers and reasons of the invalid rows, all of them in the export.
        shown = preview.invalid_rows
        assert len(shown) == SHOWN_INVALID
        for bad in shown:
            value, reason = expected.bad_lines[bad.line]
            assert bad.value == value
            assert reason in bad.reason
            # The row's other cells, to find it by.
            assert bad.context == f"Name: Customer {bad.line - 2}; City: Karachi"
        out = tmp_path / "fix-these.csv"
        assert preview.export_invalid(out) == 1_000
        with out.open(encoding="utf-8-sig", newline="") as handle:
            exported = list(csv.reader(handle))
        assert exported[0] == ["Line", "Value", "Reason"]
        for line, value, reason in exported[1:]:
            expected_value, fragment = expected.bad_lines[int(line)]
            # Values a spreadsheet would read as a formula are exported with a "'".
            assert value in (expected_value, "'" + expected_value)
            assert fragment in reason
        assert {int(row[0]) for row in exported[1:]} == set(expected.bad_lines)
        report = "\n".join(preview.report_lines())
        assert "Rows read" in report and "10,000" in report and "7,700" in report


def test_the_temporary_file_of_invalid_rows_is_removed_on_close(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("03001234567\nabc\n", encoding="utf-8")
    preview = preview_file(path)
    spill = preview._spill
    assert spill is not None and spill.path.exists()
    preview.close()
    assert not spill.path.exists()


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("923001234567", "923001234567"),
        ("03001234567", "923001234567"),
        ("3001234567", "923001234567"),
        ("0300-1234567", "923001234567"),
        ("+92 300 1234567", "923001234567"),
        ("0092 (300) 1234567", "923001234567"),
        ("3001234567.0", "923001234567"),
        ("923001234567,00", "923001234567"),
        ("9.23001234567E+11", "923001234567"),
        ("9,23001234567E+11", "923001234567"),
        ("3.001234567E+09", "923001234567"),
        ("9.230012345670E+11", "923001234567"),
        ("'03001234567", "923001234567"),
        ('="03001234567"', "923001234567"),
        ('"0300 1234567"', "923001234567"),
        ("  03001234567  ", "923001234567"),
        ("0300.123.4567", "923001234567"),
    ],
)
def test_cells_spreadsheets_produce_are_read(cell: str, number: str) -> None:
    assert cell_number(cell) == (number, "")


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ("9.23001E+11", "rounded it to 6 significant digits and its last 6 digits"),
        ("9.2300123456E+11", "its last digit cannot be recovered"),
        ("9.230012345675E+11", "not a whole number"),
        ("3001234567.5", "not a whole number"),
        ("300123456.0", "too short"),
        ("", "empty"),
        ("hello", "contains letters"),
        ("+1 415 555 0100", "not a Pakistani number"),
    ],
)
def test_cells_that_are_not_numbers_say_why(cell: str, fragment: str) -> None:
    number, reason = cell_number(cell)
    assert number is None
    assert fragment in reason


def test_excel_unicode_text_is_utf16_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    text = "Naam\tFone\r\nعلی\t0300 1234567\r\nسارہ\t0321-7654321\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    with preview_file(path, column="fone") as preview:
        assert preview.layout is not None
        assert preview.layout.encoding == "utf-16"
        assert preview.layout.delimiter == "\t"
        assert preview.numbers == ["923001234567", "923217654321"]
        assert preview.normalised == 2


def test_semicolons_and_decimal_commas_from_a_european_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "Nom;Téléphone;Montant\n"
        "A;9,23001234567E+11;12,50\n"
        "B;3001234568,0;1,00\n"
        "C;9,23001E+11;3,00\n",
        encoding="cp1252",
    )
    with preview_file(path, column=2) as preview:
        assert preview.layout is not None
        assert preview.layout.delimiter == ";"
        assert preview.layout.encoding == "cp1252"
        assert preview.numbers == ["923001234567", "923001234568"]
        assert [(r.line, r.value) for r in preview.invalid_rows] == [(4, "9,23001E+11")]


def test_plain_text_without_header_one_number_per_line(tmp_path: Path) -> None:
    path = tmp_path / "numbers.txt"
    path.write_text("03001234567\n\n+92 321 7654321\n0300-1234567\nnot a number\n")
    with preview_file(path) as preview:
        assert preview.layout is not None
        assert preview.layout.delimiter is None and not preview.layout.has_header
        assert preview.rows_read == 4
        assert preview.blank_lines == 1
        assert preview.numbers == ["923001234567", "923217654321"]
        assert preview.duplicates_in_file == 1
        assert [(r.line, r.reason) for r in preview.invalid_rows] == [(5, "contains letters")]


def test_a_quoted_cell_over_two_lines_keeps_line_numbers_right(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text('phone,note\n03001234567,"first line\nsecond line"\nxyz,ok\n03211234567,ok\n')
    with preview_file(path, column="phone") as preview:
        assert preview.numbers == ["923001234567", "923211234567"]
        assert [(r.line, r.value) for r in preview.invalid_rows] == [(4, "xyz")]


def test_short_rows_and_chosen_columns(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text("03001234567,03211234567\n03001234568\n")
    with preview_file(path, column=2) as preview:
        assert preview.numbers == ["923211234567"]
        assert [(r.line, r.reason) for r in preview.invalid_rows] == [(2, "has no column 2")]


@pytest.mark.parametrize(
    ("content", "column", "message"),
    [
        ("name,phone\nAli,03001234567\n", "mobile", "the columns are 'name', 'phone'"),
        ("name,phone\nAli,03001234567\n", 3, "has 2 columns; there is no column 3"),
        ("name,phone\nAli,03001234567\n", 0, "Column numbers start at 1"),
        ("03001234567,x\n", "phone", "has no header row"),
        ("03001234567\n", 2, "only column 1"),
        ("name,city\nAli,Lahore\n", None, "No column of the first rows"),
        ("", None, "is empty"),
    ],
)
def test_files_that_cannot_be_imported_say_why(
    tmp_path: Path, content: str, column: str | int | None, message: str
) -> None:
    path = tmp_path / "input.csv"
    path.write_text(content)
    with pytest.raises(ImportFileError, match=message):
        detect_layout(path, column=column)


def test_workbooks_and_missing_files_are_refused_clearly(tmp_path: Path) -> None:
    workbook = tmp_path / "book.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(ImportFileError, match="damaged or incomplete Excel workbook"):
        preview_file(workbook)
    with pytest.raises(ImportFileError, match="does not exist"):
        preview_file(tmp_path / "nope.csv")
    with pytest.raises(ImportFileError, match="is a folder"):
        preview_file(tmp_path)


def test_numbers_queued_in_an_unfinished_import_are_not_uploaded_again(tmp_path: Path) -> None:
    path = tmp_path / "again.csv"
    path.write_text("03001234567\n03001234568\n03001234569\n03001234568\n")
    with preview_file(path, known={"923001234567"}, queued={"923001234568"}) as preview:
        assert preview.numbers == ["923001234569"]
        assert (preview.already_in_list, preview.already_queued) == (1, 1)
        assert preview.duplicates_in_file == 1
        assert "in an unfinished import" in "\n".join(preview.report_lines())


def test_preview_of_pasted_numbers(tmp_path: Path) -> None:
    text = "0300-1234567, +92 321 7654321\n0092 333 1112223 03001234567\nabc, 0300 12"
    with preview_text(text, known={"923331112223"}) as preview:
        assert preview.kind == "paste"
        assert preview.rows_read == 6
        assert preview.valid == 4
        assert preview.duplicates_in_file == 1
        assert preview.already_in_list == 1
        assert preview.numbers == ["923001234567", "923217654321"]
        assert [(r.line, r.value) for r in preview.invalid_rows] == [(3, "abc"), (3, "0300 12")]
        out = tmp_path / "bad.csv"
        assert preview.export_invalid(out) == 2


@pytest.mark.parametrize(
    "cell",
    [
        "0300-1234567",
        "0300 1234567",
        "0300-123-4567",
        "+92 300 1234567",
        "+92-300-1234567",
        "+923001234567",
        "+92 300 123456",
        "+92 300 12345678",
        "+93 300 1234567",
        "3001234567.0",
        "3001234567.00",
        "3001234567,0",
        "4001234567.0",
        "300123456.0",
        "0300-12345678",
        "0400-1234567",
        "٠٣٠٠-١٢٣٤٥٦٧",
        "+٩٢ ٣٠٠ ١٢٣٤٥٦٧",
        "٣٠٠١٢٣٤٥٦٧.0",
        "0300-123456x",
    ],
)
def test_the_previews_quick_reading_of_a_cell_is_cell_number(tmp_path: Path, cell: str) -> None:
    """The preview reads the usual written forms without the full parser: it
    must come to the same number, or the same refusal, as ``cell_number``."""
    path = tmp_path / "one.csv"
    path.write_text(f"Name,Phone\nAli,{cell}\n", encoding="utf-8")
    number, reason = cell_number(cell)
    with preview_file(path, column="Phone") as preview:
        if number is None:
            assert preview.invalid == 1
            assert preview.invalid_rows[0].reason == reason
        else:
            assert preview.invalid == 0
            assert preview.first_line(number) == 2
