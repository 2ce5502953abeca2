"""The one sheet reader: .xlsx workbooks, refusals, and list imports and
personalised sends reading the same file the same way. Every file is written
in the test (workbooks with openpyxl)."""

from __future__ import annotations

import csv
import struct
from pathlib import Path

import openpyxl
import pytest

from tui.engine.imports import ImportFileError, preview_file, preview_text
from tui.engine.personalised import plan_send
from tui.engine.sheets import LANDLINE_REASON, cell_number, cell_text, detect_layout
from tui.engine.templates import guess_number_column, read_sheet
from tui.gateway.errors import InvalidInput

# A messy contact sheet: numbers as numbers, as text, with apostrophes, in
# scientific notation, Urdu names, a landline, a blank row and a totals row.
# (name, phone as the workbook holds it, phone as the same data's CSV holds it)
MESSY: list[tuple[str, object, str]] = [
    ("علی رضا", 923001234567, "923001234567"),  # a number cell
    ("Sara Khan", 3001234568.0, "3001234568.0"),  # a number cell with decimals
    ("Bilal", "0300-1234569", "0300-1234569"),  # text
    ("فاطمہ", "'03001234570", "'03001234570"),  # text with a spreadsheet's apostrophe
    ("Hamza", "9.23001234571E+11", "9.23001234571E+11"),  # scientific notation, in full
    ("Rounded", "9.23001E+11", "9.23001E+11"),  # rounded by a spreadsheet: refused
    ("Office", "021-1234567", "021-1234567"),  # a landline
    ("", None, ""),  # a blank row
    ("Ali again", "+92 300 1234567", "+92 300 1234567"),  # a repeat of the first
    ("Nobody", "n/a", "n/a"),
    ("Total", 1500, "1500"),  # the totals row
]


def write_messy_workbook(path: Path, *, first_sheet: str = "Contacts") -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = first_sheet
    sheet.append(["Name", "Mobile", "City"])
    for name, phone, _ in MESSY:
        if name or phone is not None:
            sheet.append([name, phone, "کراچی"])
        else:
            sheet.append([None, None, None])
    other = workbook.create_sheet("Notes")
    other.append(["nothing", "here"])
    workbook.save(path)


def write_messy_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["Name", "Mobile", "City"])
        for name, _, phone in MESSY:
            writer.writerow([name, phone, "کراچی"] if name or phone else [])


EXPECTED_NUMBERS = [
    "923001234567",
    "923001234568",
    "923001234569",
    "923001234570",
    "923001234571",
]
EXPECTED_INVALID = [
    (7, "9.23001E+11", "a spreadsheet rounded it to 6 significant digits"),
    (8, "021-1234567", LANDLINE_REASON),
    (11, "n/a", "contains letters"),
    (12, "1500", "too short (4 digits)"),
]


def test_a_messy_workbook_imports_exactly_like_the_same_data_as_csv(tmp_path: Path) -> None:
    book, sheet_csv = tmp_path / "contacts.xlsx", tmp_path / "contacts.csv"
    write_messy_workbook(book)
    write_messy_csv(sheet_csv)
    with preview_file(book) as from_book, preview_file(sheet_csv) as from_csv:
        assert from_book.layout is not None and from_book.layout.sheet == "Contacts"
        assert from_book.layout.format_label == (
            "Excel workbook, sheet 'Contacts', with a header row"
        )
        assert from_book.layout.column_label == "column 2 ('Mobile')"
        for preview in (from_book, from_csv):
            assert preview.numbers == EXPECTED_NUMBERS
            assert preview.rows_read == 10 and preview.blank_lines == 1
            assert preview.duplicates_in_file == 1
            got = [(r.line, r.value, r.reason) for r in preview.invalid_rows]
            assert [(line, value) for line, value, _ in got] == [
                (line, value) for line, value, _ in EXPECTED_INVALID
            ]
            for (_, _, reason), (_, _, fragment) in zip(got, EXPECTED_INVALID, strict=True):
                assert fragment in reason
            # Each invalid row comes with its other cells; the repeat with its lines.
            assert preview.invalid_rows[1].context == "Name: Office; City: کراچی"
            [repeat] = preview.duplicate_rows
            assert (repeat.line, repeat.first_line, repeat.number) == (10, 2, "923001234567")
        keys = ("rows_read", "valid", "duplicates_in_file", "invalid", "to_upload")
        assert {k: getattr(from_book, k) for k in keys} == {k: getattr(from_csv, k) for k in keys}
        report = "\n".join(from_book.report_lines())
        assert "line 10 repeats line 2: '+92 300 1234567'" in report
        assert (
            "line 8: '021-1234567' is a landline; the gateway sends to mobiles only "
            "(Name: Office; City: کراچی)" in report
        )


def test_a_workbook_reads_the_same_for_a_personalised_send(tmp_path: Path) -> None:
    book, sheet_csv = tmp_path / "contacts.xlsx", tmp_path / "contacts.csv"
    write_messy_workbook(book)
    write_messy_csv(sheet_csv)
    from_book, from_csv = read_sheet(book), read_sheet(sheet_csv)
    assert from_book.columns == from_csv.columns == ["Name", "Mobile", "City"]
    assert [(r.number, r.values) for r in from_book.rows][:2] == [
        (2, ["علی رضا", "923001234567", "کراچی"]),
        (3, ["Sara Khan", "3001234568", "کراچی"]),
    ]
    assert guess_number_column(from_book) == 1
    for sheet in (from_book, from_csv):
        plan = plan_send(sheet, "Salaam {Name}", "Mobile")
        # The repeat has the same number and text as row 2 only in the CSV
        # ("Ali again" differs): it is sent; nothing else differs.
        assert [r.recipient for r in plan.rows] == [*EXPECTED_NUMBERS, "923001234567"]
        assert [(r.row, r.raw) for r in plan.invalid] == [
            (line, value) for line, value, _ in EXPECTED_INVALID
        ]
        for bad, (_, _, fragment) in zip(plan.invalid, EXPECTED_INVALID, strict=True):
            assert fragment in bad.reason


def test_thousands_of_workbook_rows_stream_and_count_exactly(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    sheet.append(["Phone", "Name"])
    for i in range(5000):
        n = 3000000000 + i % 4000
        # Numbers as numbers (int and float) and as text, as people's sheets mix them.
        sheet.append([(n, float(920000000000 + n), f"0{n}")[i % 3], f"Customer {i}"])
    sheet.append(["abc", "Broken"])
    workbook.save(path)
    with preview_file(path) as preview:
        assert preview.rows_read == 5001
        assert preview.to_upload == 4000 and preview.duplicates_in_file == 1000
        assert [(r.line, r.value, r.context) for r in preview.invalid_rows] == [
            (5002, "abc", "Name: Broken")
        ]
        assert preview.numbers[:2] == ["923000000000", "923000000001"]


def test_the_sheet_is_chosen_by_name_and_a_missing_one_is_named(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = "Summary"
    first.append(["Region", "Total"])
    first.append(["North", 12])
    staff = workbook.create_sheet("Staff")
    staff.append(["Name", "Cell"])
    staff.append(["Ali", "03001234567"])
    workbook.save(path)
    # The first sheet by default: no numbers there.
    with pytest.raises(ImportFileError, match=r"sheet 'Summary' of book\.xlsx holds a phone"):
        preview_file(path)
    with preview_file(path, sheet="staff") as preview:  # capitals do not matter
        assert preview.numbers == ["923001234567"]
    assert read_sheet(path, sheet="Staff").rows[0].values == ["Ali", "03001234567"]
    with pytest.raises(ImportFileError) as caught:
        detect_layout(path, sheet="Customers")
    assert str(caught.value) == (
        "book.xlsx has no sheet named 'Customers'; its 2 sheets are 'Summary', 'Staff'."
    )
    text = tmp_path / "plain.csv"
    text.write_text("03001234567\n")
    with pytest.raises(ImportFileError, match=r"sheets are chosen only in \.xlsx workbooks"):
        preview_file(text, sheet="Staff")


def test_a_workbook_saved_under_another_name_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"  # an .xlsx someone renamed
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([923001234567])
    workbook.save(path)
    with preview_file(path) as preview:
        assert preview.numbers == ["923001234567"]


def _compound_file(*streams: str) -> bytes:
    """A minimal Compound File (OLE2), the container of .xls workbooks and of
    password-protected Office files: a header, one FAT sector and one
    directory sector naming empty streams."""
    end, free, fat, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack(
        "<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, end, 0, end, 0
    )
    header += struct.pack("<109I", 0, *([free] * 108))
    fat_sector = struct.pack("<128I", fat, end, *([free] * 126))

    def entry(name: str, kind: int, right: int, child: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(encoded), kind, 1, none, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", end, 0)
        )

    names = list(streams)
    entries = entry("Root Entry", 5, none, 1 if names else none)
    for i, name in enumerate(names, start=1):
        entries += entry(name, 2, i + 1 if i < len(names) else none, none)
    directory = entries.ljust(512, b"\0")
    return header + fat_sector + directory


def test_old_excel_and_password_protected_workbooks_say_what_to_do(tmp_path: Path) -> None:
    old = tmp_path / "contacts.xls"
    old.write_bytes(_compound_file("Workbook", "\x05SummaryInformation"))
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(_compound_file("EncryptionInfo", "EncryptedPackage"))
    for reader in (preview_file, read_sheet):
        with pytest.raises(InvalidInput) as caught:
            reader(old)
        assert str(caught.value) == (
            "contacts.xls is an old Excel 97-2003 workbook (.xls); open it in Excel and save "
            "it as .xlsx or CSV, then import that."
        )
        with pytest.raises(InvalidInput) as caught:
            reader(locked)
        assert str(caught.value).startswith("locked.xlsx is protected with a password;")
        assert "save it as .xlsx or CSV" in str(caught.value)


def test_number_cells_read_as_their_digits() -> None:
    assert cell_text(923001234567.0) == "923001234567"
    assert cell_text(3001234567) == "3001234567"
    assert cell_text(3001234567.5) == "3001234567.5"
    assert cell_text(None) == "" and cell_text(True) == "TRUE"
    assert cell_number(cell_text(923001234567.0)) == ("923001234567", "")


# Both features: the same cells taken, the same refused for the same reasons ---------

CELLS = [
    "'03001234580",
    "9.23001234584E+11",
    "3001234581.0",
    "0300-1234582",
    '="03001234583"',
    "021-1234567",
    "042 35761234",
    "+92 51 2345678",
    "9.23001E+11",
    "N/A",
    "0300-12345",
    "+44 7700 900123",
    "3001234567.5",
    "",
]


def test_list_imports_and_personalised_sends_take_and_refuse_the_same_cells(
    tmp_path: Path,
) -> None:
    path = tmp_path / "windows.csv"
    lines = ["Naam;Telefoon;Bedrag"] + [f"José {i};{cell};12,50" for i, cell in enumerate(CELLS)]
    # Windows-1252 with semicolons, as a European Excel writes "CSV".
    path.write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")
    with preview_file(path, column="Telefoon") as preview:
        imported = preview.numbers
        refused = [(r.line, r.value, r.reason) for r in preview.invalid_rows]
    plan = plan_send(read_sheet(path), "Hello {Naam}", "Telefoon")
    assert imported == [
        "923001234580",
        "923001234584",
        "923001234581",
        "923001234582",
        "923001234583",
    ]
    assert [r.recipient for r in plan.rows] == imported
    # The same rows refused, on the same lines, with the same reasons.
    assert [(r.row, r.raw, r.reason) for r in plan.invalid] == refused
    reasons = {value: reason for _, value, reason in refused}
    assert reasons["021-1234567"] == reasons["042 35761234"] == LANDLINE_REASON
    assert reasons["+92 51 2345678"] == LANDLINE_REASON
    assert reasons["N/A"] == "contains letters"
    assert reasons["0300-12345"] == "too short (9 digits)"
    assert reasons["3001234567.5"] == "is not a whole number"
    assert reasons[""] == "empty"
    assert "rounded" in reasons["9.23001E+11"]


# Pasted numbers ------------------------------------------------------------------------


def test_pasted_numbers_separated_only_by_spaces_stay_apart() -> None:
    text = "03001234567 03211234567  3331112223\n923451234567 0300 7654321 0321 1112223"
    with preview_text(text) as preview:
        assert preview.numbers == [
            "923001234567",
            "923211234567",
            "923331112223",
            "923451234567",
            "923007654321",
            "923211112223",
        ]
        assert preview.invalid == 0


def test_pasted_cells_read_like_a_files_cells() -> None:
    text = "9.23001234567E+11 3001234568.0\n021-1234567\n03001234567, 0300 12"
    with preview_text(text) as preview:
        assert preview.numbers == ["923001234567", "923001234568"]
        assert preview.rows_read == 5
        [repeat] = preview.duplicate_rows
        assert (repeat.line, repeat.first_line) == (3, 1)
        assert [(r.line, r.value, r.reason) for r in preview.invalid_rows] == [
            (2, "021-1234567", LANDLINE_REASON),
            (3, "0300 12", "too short (6 digits)"),
        ]


def test_openpyxls_public_iteration_reads_the_same_if_its_internals_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "contacts.xlsx"
    write_messy_workbook(book)
    with preview_file(book) as streamed:
        expected = (streamed.numbers, [(r.line, r.reason) for r in streamed.invalid_rows])
    import openpyxl.worksheet._reader as internals

    monkeypatch.setattr(internals, "WorkSheetParser", None)  # calling it fails: fall back
    with preview_file(book) as public:
        assert (public.numbers, [(r.line, r.reason) for r in public.invalid_rows]) == expected
        assert public.blank_lines == streamed.blank_lines == 1


def test_workbook_dates_and_amounts_fill_fields_as_shown(tmp_path: Path) -> None:
    from datetime import datetime

    path = tmp_path / "bills.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name", "Phone", "Amount", "Due"])
    sheet.append(["Ali", 3001234567, 1500.0, datetime(2024, 5, 1)])
    sheet.append(["Sara", "0321-7654321", 12.5, datetime(2024, 5, 2, 9, 30)])
    workbook.save(path)
    plan = plan_send(read_sheet(path), "{Name}: Rs {Amount} due {Due}", "Phone")
    assert [(r.recipient, r.text) for r in plan.rows] == [
        ("923001234567", "Ali: Rs 1500 due 2024-05-01"),
        ("923217654321", "Sara: Rs 12.5 due 2024-05-02 09:30:00"),
    ]
