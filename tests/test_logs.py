"""Redaction of passwords and session IDs, and the log file itself."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tui import logs
from tui.logs import add_secret, redact, setup_logging

PASSWORD = "Hunter2&Pass word"
SESSION = "A1B2C3D4E5F6SESSION"


@pytest.fixture(autouse=True)
def _clean_logging(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    logs._forget_secrets()
    yield
    if logs._installed is not None:
        root.removeHandler(logs._installed)
        logs._installed.close()
        logs._installed = None
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.captureWarnings(False)
    logs._forget_secrets()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "GET https://h/api/auth.jsp?msisdn=923001234567&password=abc%26def&x=1",
            "GET https://h/api/auth.jsp?msisdn=923001234567&password=***&x=1",
        ),
        (
            "sendsms.jsp?session_id=XYZ123&to=923001234567",
            "sendsms.jsp?session_id=***&to=923001234567",
        ),
        ('{"password": "p\\"w", "msisdn": "9230"}', '{"password": "***", "msisdn": "9230"}'),
        ("{'session_id': 'abc', 'n': 1}", "{'session_id': '***', 'n': 1}"),
        ("<password>pw</password><x>1</x>", "<password>***</password><x>1</x>"),
        ("<SESSION_ID>\n abc \n</SESSION_ID>", "<SESSION_ID>***</SESSION_ID>"),
        ("Profile(name='a', password='pw')", "Profile(name='a', password='***')"),
        ("Cookie: JSESSIONID=abc123; other=1", "Cookie: JSESSIONID=***; other=1"),
        ("PASSWORD = hunter", "PASSWORD = ***"),
        ("the password is wrong", "the password is wrong"),
        ("sent to 923001234567, 2 parts", "sent to 923001234567, 2 parts"),
    ],
)
def test_redact_named_values(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_literal_secrets_are_redacted_in_every_form() -> None:
    add_secret(PASSWORD)
    add_secret(SESSION)
    add_secret("")  # ignored
    text = (
        f"reply <data>{SESSION}</data>; tried {PASSWORD!r}, "
        f"encoded {httpx.QueryParams({'p': PASSWORD})}"
    )
    out = redact(text)
    assert SESSION not in out
    assert "Hunter2" not in out
    assert out.count("***") == 3


def test_short_secret_is_only_redacted_as_a_whole_word() -> None:
    add_secret("ab1")
    assert redact("ab1 tab1e ab1.") == "*** tab1e ***."


def test_log_file_holds_no_secret(tmp_path: Path) -> None:
    add_secret(PASSWORD)
    add_secret(SESSION)
    path = setup_logging()
    assert path == tmp_path / "state" / "csms" / "log" / "csms.log"
    log = logging.getLogger("tui.gateway.client")
    url = httpx.URL(
        "https://telenorcsms.com.pk:27677/corporate_sms2/api/auth.jsp",
        params={"msisdn": "923001234567", "password": PASSWORD},
    )
    log.info("HTTP Request: GET %s", url)
    log.info("sending to %s", f"sendsms.jsp?session_id={SESSION}&to=923001234567")
    try:
        try:
            raise ValueError(f"login refused for password {PASSWORD}")
        except ValueError as inner:
            raise RuntimeError(f"session {SESSION} dropped") from inner
    except RuntimeError:
        log.exception("request failed")
    log.warning("stack check", stack_info=True)
    logs._installed.flush()  # type: ignore[union-attr]

    content = path.read_text(encoding="utf-8")
    assert "HTTP Request: GET https://telenorcsms.com.pk:27677" in content
    assert "msisdn=923001234567" in content
    assert "Traceback" in content and "ValueError" in content and "RuntimeError" in content
    assert PASSWORD not in content
    assert "Hunter2" not in content
    assert SESSION not in content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_setup_twice_replaces_its_handler(tmp_path: Path) -> None:
    first = setup_logging(tmp_path / "one.log")
    second = setup_logging(tmp_path / "two.log")
    logging.getLogger("x").warning("hello")
    logs._installed.flush()  # type: ignore[union-attr]
    assert first.read_text(encoding="utf-8") == ""
    assert "hello" in second.read_text(encoding="utf-8")
    installed = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, logs.RedactingFilter) for f in h.filters)
    ]
    assert len(installed) == 1


def test_log_rotates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    path = setup_logging(tmp_path / "r.log")
    for i in range(100):
        logging.getLogger("x").warning("line %d %s", i, "x" * 50)
    rotated = sorted(p.name for p in tmp_path.iterdir())
    assert rotated[:2] == ["r.log", "r.log.1"]
    assert len(rotated) == 1 + logs.BACKUPS
    assert all(stat.S_IMODE((tmp_path / n).stat().st_mode) == 0o600 for n in rotated)
    assert path.stat().st_size <= 2000


def test_bad_format_arguments_do_not_lose_the_record() -> None:
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "two %s %s", ("password=zzz",), None
    )
    assert logs.RedactingFilter().filter(record)
    message = record.getMessage()
    assert "two %s %s" in message
    assert "zzz" not in message


def test_a_command_logs_counts_and_ids_not_subscribers_numbers(
    account_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli.main import main
    from tui.config import log_dir

    numbers = ["03001112223", "03214445556", "03337778889"]
    assert main(["send", "--to", ",".join(numbers), "--text", "Private bill text"]) == 0
    ids = [line.split("\t")[1] for line in capsys.readouterr().out.splitlines()]
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (log_dir() / logs.LOG_FILE).read_text(encoding="utf-8")
    assert "sendsms.jsp -> OK" in text
    for number in numbers:
        assert number[1:] not in text  # neither 03.. nor 923.. forms
    assert "Private bill text" not in text
    assert len(ids) == 3
