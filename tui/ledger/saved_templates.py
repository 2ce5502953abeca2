"""Saved message templates: texts the operator reuses, kept by name.

Names are unique ignoring case (the table's primary key is ``COLLATE NOCASE``):
"Bill due" and "bill DUE" are the same template. The text is kept exactly as
written, ``{field}`` names and ``{{`` / ``}}`` literals included; checking it is
the engine's job (``engine/saved_templates.py``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tui.ledger.base import Store, now_utc, req_from_db, to_db

__all__ = ["SavedTemplate", "SavedTemplateStore"]


@dataclass(frozen=True, slots=True)
class SavedTemplate:
    name: str
    text: str
    created_at: datetime
    updated_at: datetime


def _template(row: Any) -> SavedTemplate:
    return SavedTemplate(
        name=row["name"],
        text=row["text"],
        created_at=req_from_db(row["created_at"]),
        updated_at=req_from_db(row["updated_at"]),
    )


def _like(words: str) -> str:
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SavedTemplateStore(Store):
    """The ``templates`` table: add, replace, rename, delete, list, get."""

    def saved_templates(self, search: str = "") -> list[SavedTemplate]:
        """Every template in name order (ignoring case); with ``search``, those
        whose name or text holds each of its words (ignoring case)."""
        clauses: list[str] = []
        params: list[str] = []
        for word in search.split():
            clauses.append("(name LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\')")
            params += [_like(word), _like(word)]
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._rows(f"SELECT * FROM templates {where} ORDER BY name COLLATE NOCASE", params)
        return [_template(row) for row in rows]

    def saved_template(self, name: str) -> SavedTemplate | None:
        """The template called ``name`` (any case), or None."""
        row = self._one("SELECT * FROM templates WHERE name = ?", (name,))
        return None if row is None else _template(row)

    def add_saved_template(self, name: str, text: str, at: datetime | None = None) -> bool:
        """Keep a new template; False (and nothing changed) if the name is taken."""
        moment = to_db(at or now_utc())
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO templates (name, text, created_at, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name) DO NOTHING",
                (name, text, moment, moment),
            )
            return cursor.rowcount == 1

    def replace_saved_template(self, name: str, text: str, at: datetime | None = None) -> bool:
        """Give an existing template a new text (its name takes ``name``'s spelling);
        False if there is no template of that name."""
        with self._tx() as conn:
            cursor = conn.execute(
                "UPDATE templates SET name = ?, text = ?, updated_at = ? WHERE name = ?",
                (name, text, to_db(at or now_utc()), name),
            )
            return cursor.rowcount == 1

    def rename_saved_template(self, old: str, new: str, at: datetime | None = None) -> bool:
        """Rename a template (a change of case only is a rename too); False if
        ``old`` does not exist or another template is called ``new``."""
        try:
            with self._tx() as conn:
                cursor = conn.execute(
                    "UPDATE templates SET name = ?, updated_at = ? WHERE name = ?",
                    (new, to_db(at or now_utc()), old),
                )
                return cursor.rowcount == 1
        except sqlite3.IntegrityError:
            return False

    def delete_saved_template(self, name: str) -> bool:
        """Forget a template; False if there was none of that name."""
        with self._tx() as conn:
            cursor = conn.execute("DELETE FROM templates WHERE name = ?", (name,))
            return cursor.rowcount == 1
