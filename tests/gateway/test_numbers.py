"""Normalising pasted Pakistani mobile numbers and reading pasted lists."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.gateway.numbers import (
    _CLEAN,
    LANDLINE_REASON,
    NumberError,
    ParsedRecipients,
    _check,
    _diagnose,
    dedupe,
    normalize,
    parse_recipients,
)

LANDLINE = LANDLINE_REASON

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
URDU = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# Every style people paste, applied to the nine-digit-plus-3 national number.
STYLES: dict[str, Callable[[str], str]] = {
    "gateway": lambda n: "92" + n,
    "national": lambda n: "0" + n,
    "plus": lambda n: "+92" + n,
    "double zero": lambda n: "0092" + n,
    "bare ten digits": lambda n: n,
    "dash": lambda n: f"0{n[:3]}-{n[3:]}",
    "plus with spaces": lambda n: f"+92 {n[:3]} {n[3:]}",
    "double zero with spaces": lambda n: f"0092 {n[:3]} {n[3:]}",
    "brackets and dot": lambda n: f"({'0' + n[:3]}) {n[3:6]}.{n[6:]}",
    "spaced national": lambda n: f"0{n[:3]} {n[3:6]} {n[6:]}",
    "plus with (0)": lambda n: f"+92 (0){n[:3]} {n[3:]}",
    "dots": lambda n: f"0{n[:3]}.{n[3:6]}.{n[6:]}",
    "padded": lambda n: f"  0{n}  ",
    "arabic-indic": lambda n: ("0" + n).translate(ARABIC_INDIC),
    "urdu digits": lambda n: ("0" + n).translate(URDU),
    "urdu digits spaced": lambda n: f"0{n[:3]} {n[3:]}".translate(URDU),
    "full-width": lambda n: ("+92" + n).translate(FULL_WIDTH).replace("+", "＋"),
    "no-break spaces": lambda n: f"+92\u00a0{n[:3]}\u00a0{n[3:]}",
    "en dash": lambda n: f"0{n[:3]}–{n[3:]}",
    "right-to-left mark": lambda n: f"\u200f0{n}",
}

nationals = st.from_regex(r"3[0-9]{9}", fullmatch=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0300-1234567", "923001234567"),
        ("+92 300 1234567", "923001234567"),
        ("0092 300 1234567", "923001234567"),
        ("923001234567", "923001234567"),
        ("3001234567", "923001234567"),
        ("(0300) 123.4567", "923001234567"),
        ("+92 (0)300 1234567", "923001234567"),
        ("٠٣٠٠١٢٣٤٥٦٧", "923001234567"),
        ("۰۳۴۵۱۲۳۴۵۶۷", "923451234567"),
        ("０３００１２３４５６７", "923001234567"),
        ("+03001234567", "923001234567"),
        ("0345 1234567", "923451234567"),
    ],
)
def test_accepted_formats(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("--", "has no digits"),
        ("0300123", "too short (7 digits)"),
        ("3", "too short (1 digit)"),
        ("+92 300 12345", "too short (10 digits)"),
        ("03001234567890", "too long (14 digits)"),
        ("9230012345678", "too long (13 digits)"),
        ("04235761234", LANDLINE),
        ("+92 42 3576 1234", LANDLINE),
        ("021-1234567", LANDLINE),
        ("0092 51 1234567", LANDLINE),
        ("+92 900 1234 5678", "too long (13 digits)"),
        ("01001234567", "not a mobile number (must start with 3 after the country code)"),
        ("0300abc4567", "contains letters"),
        ("0300-CALL-NOW", "contains letters"),
        ("+44 7911 123456", "not a Pakistani number (country code +44)"),
        ("0044 7911 123456", "not a Pakistani number (country code +44)"),
        ("+1 212 555 0100", "not a Pakistani number (country code +1)"),
        ("+971 50 123 4567", "not a Pakistani number (country code +971)"),
        ("0300+1234567", "has a '+' that is not at the start"),
        ("0300#1234567", "contains '#', which is not part of a phone number"),
        ("+", "has no digits"),
    ],
)
def test_reasons(raw: str, reason: str) -> None:
    with pytest.raises(NumberError) as caught:
        normalize(raw)
    assert caught.value.reason == reason
    assert str(caught.value) == reason
    assert caught.value.raw == raw


@given(st.text())
def test_normalize_returns_a_mobile_number_or_raises_number_error(raw: str) -> None:
    try:
        number = normalize(raw)
    except NumberError as error:
        assert error.reason
        assert "\n" not in error.reason
        return
    assert len(number) == 12
    assert number.isascii() and number.isdigit()
    assert number.startswith("923")


@given(st.text(alphabet="0123456789+ -().٠٣۰۳３a#\u00a0", max_size=20))
def test_fast_paths_agree_with_the_full_check(raw: str) -> None:
    # The regex shortcuts must give exactly what the step-by-step check gives.
    assert _check(raw) == _diagnose(raw, raw.translate(_CLEAN))


@given(nationals, st.sampled_from(sorted(STYLES)))
def test_every_style_normalises_back(national: str, style: str) -> None:
    assert normalize(STYLES[style](national)) == "92" + national


@given(nationals)
def test_gateway_form_is_a_fixed_point(national: str) -> None:
    number = "92" + national
    assert normalize(normalize(number)) == number


def test_dedupe_keeps_first_seen_order() -> None:
    assert dedupe(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]
    assert dedupe([]) == []


def test_parse_splits_on_every_separator_and_reports_everything() -> None:
    text = (
        "03001234567, +92 321 1234567; 0333-1234567\n0345 123 4567\t3001234567|"
        "0300 1234567\r\n0300123,  hello , +44 7911 123456 ;;\n\n"
    )
    parsed = parse_recipients(text)
    assert parsed.valid == ["923001234567", "923211234567", "923331234567", "923451234567"]
    assert parsed.duplicates == ["923001234567", "923001234567"]
    assert parsed.invalid == [
        ("0300123", "too short (7 digits)"),
        ("hello", "contains letters"),
        ("+44 7911 123456", "not a Pakistani number (country code +44)"),
    ]
    assert parsed.total == 9


def test_several_numbers_on_one_line_separated_by_spaces() -> None:
    parsed = parse_recipients("03001234567 03211234567  +92 333 1234567 0345 1234567")
    assert parsed.valid == ["923001234567", "923211234567", "923331234567", "923451234567"]
    assert parsed.invalid == []


def test_fragments_of_a_bad_number_stay_one_token() -> None:
    parsed = parse_recipients("0300 123 456 03211234567")
    assert parsed.valid == ["923211234567"]
    assert parsed.invalid == [("0300 123 456", "too short (10 digits)")]


def test_a_name_next_to_a_number_is_reported_separately() -> None:
    parsed = parse_recipients("Ali Khan 0300-1234567\nSara 0321 1234567 (office)")
    assert parsed.valid == ["923001234567", "923211234567"]
    assert parsed.invalid == [
        ("Ali Khan", "contains letters"),
        ("Sara", "contains letters"),
        ("(office)", "contains letters"),
    ]


def test_empty_text_reads_nothing() -> None:
    assert parse_recipients("") == ParsedRecipients([], [], [])
    assert parse_recipients(" ,\n;\t| ").total == 0


def test_a_long_line_is_read_in_linear_time() -> None:
    line = " ".join(f"0300{i:07d}" for i in range(5000))
    parsed = parse_recipients(line)
    assert len(parsed.valid) == 5000
    assert parsed.valid[1234] == "923000001234"


HARD = [",", ";", "\n", "\t", "|", "\r\n", " , ", ";\n"]
SOFT = [" ", "  ", " \u00a0"]
INVALID_TOKENS = ["0300123", "hello", "+44 7911 123456", "04235761234", "0300#1234567"]


@st.composite
def pasted_lists(draw: st.DrawFn) -> tuple[str, list[str], list[tuple[str, str]]]:
    """A pasted text, the numbers in it (in order, with repeats) and its bad tokens."""
    tokens: list[tuple[str, str | None]] = []
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.integers(0, 4)) == 0:
            tokens.append((draw(st.sampled_from(INVALID_TOKENS)), None))
        else:
            national = draw(st.sampled_from(["3001234567", "3211234567"]) | nationals)
            style = draw(st.sampled_from(sorted(STYLES)))
            tokens.append((STYLES[style](national).strip(), "92" + national))
    text = ""
    for index, (raw, number) in enumerate(tokens):
        if index:
            both_valid = number is not None and tokens[index - 1][1] is not None
            text += draw(st.sampled_from(HARD + SOFT if both_valid else HARD))
        text += raw
    numbers = [number for _, number in tokens if number is not None]
    invalid = [(raw, _diagnose(raw, raw.translate(_CLEAN))[1]) for raw, n in tokens if n is None]
    return text, numbers, invalid


@settings(max_examples=300)
@given(pasted_lists())
def test_parse_never_loses_or_invents_a_token(
    case: tuple[str, list[str], list[tuple[str, str]]],
) -> None:
    text, numbers, invalid = case
    parsed = parse_recipients(text)
    assert parsed.valid == dedupe(numbers)
    assert sorted(parsed.duplicates) == sorted(n for i, n in enumerate(numbers) if n in numbers[:i])
    assert parsed.invalid == invalid
    assert parsed.total == len(numbers) + len(invalid)


@given(st.text(max_size=80))
def test_parse_of_any_text_accounts_for_every_token(text: str) -> None:
    parsed = parse_recipients(text)
    assert len(parsed.valid) == len(set(parsed.valid))
    assert set(parsed.duplicates) <= set(parsed.valid)
    assert parsed.total == len(parsed.valid) + len(parsed.duplicates) + len(parsed.invalid)
    for number in parsed.valid:
        assert normalize(number) == number
    for raw, reason in parsed.invalid:
        assert raw and raw in text
        assert reason
    # Every non-blank character of the text is in some token or a separator.
    covered = "".join(raw for raw, _ in parsed.invalid)
    if not parsed.valid and not parsed.duplicates:
        stripped = [c for c in text if not c.isspace() and c not in ",;|\u060c\u061b\uff0c\uff1b"]
        assert all(c in covered for c in stripped)


def test_a_landline_is_named_as_one_wherever_numbers_are_refused() -> None:
    from tui.gateway.errors import InvalidNumbers
    from tui.gateway.validate import recipients

    with pytest.raises(InvalidNumbers) as caught:
        recipients("021-1234567, 0300123, 03001234567")
    assert str(caught.value) == (
        "Nothing was sent: 2 invalid numbers: '021-1234567' is a landline; the gateway "
        "sends to mobiles only; '0300123': too short (7 digits). Correct or remove them "
        "and try again."
    )
