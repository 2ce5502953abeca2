"""Logging to a rotating file, with passwords and session IDs taken out.

Every record that reaches the handler installed by :func:`setup_logging` is
redacted: its message with the arguments merged in, its formatted traceback and
its stack. Two things are removed: values that follow a secret's name
(``password=...``, ``session_id=...``, ``"password": "..."``,
``<password>...</password>``), and any literal value registered with
:func:`add_secret` (the password in use, each session ID the gateway hands out),
wherever it appears, also URL-encoded.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
from pathlib import Path

from tui.gateway.redaction import MASK, Redactor

__all__ = [
    "LOG_FILE",
    "MASK",
    "REDACTOR",
    "RedactingFilter",
    "RedactingFormatter",
    "add_secret",
    "redact",
    "setup_logging",
]

LOG_FILE = "csms.log"
MAX_BYTES = 1_000_000
BACKUPS = 3

#: The process's redactor: the gateway client registers the password and each
#: session ID with it (the engine hands it to the client), and every log record
#: goes through it.
REDACTOR = Redactor()


def redact(text: str) -> str:
    """``text`` with every known secret replaced by ``***``."""
    return REDACTOR.redact(text)


def add_secret(value: str) -> None:
    """Remember ``value`` (a password, a session ID) so it is redacted everywhere."""
    REDACTOR.add_secret(value)


def _forget_secrets() -> None:
    """Clear the remembered secrets (for tests)."""
    REDACTOR.forget()


class RedactingFilter(logging.Filter):
    """Redacts a record in place: message and arguments, traceback, stack."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingFormatter(logging.Formatter):
    """Redacts the finished line as well (covers fields added by other code)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Rotating log whose files are readable by their owner only."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.chmod(self.baseFilename, 0o600)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


_installed: logging.Handler | None = None


def setup_logging(path: Path | None = None, level: int = logging.INFO) -> Path:
    """Send the root logger to a rotating file (``log_dir()/csms.log``); returns its path.

    Calling it again replaces the handler it installed before.
    """
    global _installed
    if path is None:
        from tui.config import log_dir

        path = log_dir() / LOG_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = _PrivateRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.addFilter(RedactingFilter())
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    # Replace every handler an earlier call installed (marked, so a handler left
    # by an earlier copy of this module is found too), never stack them.
    for old in [h for h in root.handlers if getattr(h, "csms_log_file", False)]:
        root.removeHandler(old)
        old.close()
    handler.csms_log_file = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # A log write that fails (a full disk) must not print a traceback in the
    # middle of a command's output: the log is a diagnosis aid, not the product.
    logging.raiseExceptions = False
    # httpx logs each request's full URL, which holds every recipient's number
    # and the message text; the gateway connection logs the command, its outcome
    # and timing instead (counts and IDs, never subscribers' numbers).
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    _installed = handler
    return path
