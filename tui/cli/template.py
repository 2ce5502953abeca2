"""``csms template``: saved message templates from the command line.

A template is a name (1 to 40 characters, any case) and a text that may use
``{fields}`` (``{{`` and ``}}`` are literal braces). ``csms send --template``
and ``csms campaign create --template`` send a template's text; one with
fields is refused there (a personalised send fills them from a sheet).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import tzinfo
from typing import Any

from tui.cli import output
from tui.cli.engine_session import cli_engine, run_cli
from tui.cli.options import add_common, as_json
from tui.engine.saved_templates import SavedTemplate, SavedTemplates, TemplateExists, fields_phrase
from tui.engine.sms_campaigns import profile_zone
from tui.gateway.errors import InvalidInput
from tui.wording import plural

TIME_FORMAT = "%Y-%m-%d %H:%M"
#: Characters of a template's text shown in the list (its first line).
SHOWN_TEXT = 60


def register(subparsers: Any) -> None:
    template = subparsers.add_parser(
        "template",
        help="saved message templates: list, show, save, rename, delete",
        description="Without an action, lists the saved templates.",
    )
    _list_options(template)
    template.set_defaults(handler=lambda args: run_cli(_list(args)))
    actions = template.add_subparsers(dest="template_command", metavar="ACTION")

    listing = actions.add_parser("list", help="list (or search) the saved templates")
    _list_options(listing)
    listing.set_defaults(handler=lambda args: run_cli(_list(args)))

    show = actions.add_parser("show", help="print a template's text (and its fields)")
    show.add_argument("name", metavar="NAME")
    add_common(show)
    show.set_defaults(handler=lambda args: run_cli(_show(args)))

    save = actions.add_parser(
        "save",
        help="save a text as a template",
        description="Fields are written {name}; {{ and }} stand for literal braces.",
    )
    save.add_argument("name", metavar="NAME")
    save.add_argument("--text", required=True, help="the text; '-' reads standard input")
    save.add_argument("--force", action="store_true", help="replace a template of that name")
    add_common(save)
    save.set_defaults(handler=lambda args: run_cli(_save(args)))

    rename = actions.add_parser("rename", help="give a template another name")
    rename.add_argument("name", metavar="NAME")
    rename.add_argument("new_name", metavar="NEW_NAME")
    add_common(rename)
    rename.set_defaults(handler=lambda args: run_cli(_rename(args)))

    delete = actions.add_parser(
        "delete",
        help="delete a template (asks first)",
        description="Asks for confirmation on a terminal; otherwise needs --yes.",
    )
    delete.add_argument("name", metavar="NAME")
    delete.add_argument("--yes", action="store_true", help="delete without asking")
    add_common(delete)
    delete.set_defaults(handler=lambda args: run_cli(_delete(args)))


def _list_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--search", default="", metavar="WORDS", help="words of a name or text")
    add_common(parser)


def template_dict(template: SavedTemplate, zone: tzinfo) -> dict[str, Any]:
    return {
        "name": template.name,
        "text": template.text,
        "fields": SavedTemplates.fields(template.text),
        "created_at": template.created_at.astimezone(zone).isoformat(timespec="seconds"),
        "updated_at": template.updated_at.astimezone(zone).isoformat(timespec="seconds"),
    }


def _refused(message: str) -> int:
    return output.report_failure(message, exit_code=output.EXIT_REFUSED, code="refused")


def _missing(name: str) -> int:
    return output.report_failure(
        f"There is no template called {name.strip()!r}; `csms template list` shows the saved ones.",
        exit_code=output.EXIT_REFUSED,
        code="not_found",
    )


def _first_line(text: str) -> str:
    line = text.split("\n", 1)[0]
    more = len(line) > SHOWN_TEXT or "\n" in text
    return line[:SHOWN_TEXT] + ("…" if more else "")


async def _list(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        found = engine.saved_templates.search(args.search)
        total = len(engine.saved_templates.search()) if args.search else len(found)
        zone = profile_zone(engine)
    if as_json(args):
        print(json.dumps([template_dict(t, zone) for t in found], ensure_ascii=False))
        return 0
    for item in found:
        fields = " ".join(f"{{{name}}}" for name in SavedTemplates.fields(item.text)) or "-"
        updated = item.updated_at.astimezone(zone).strftime(TIME_FORMAT)
        print(f"{item.name}\t{fields}\t{updated}\t{_first_line(item.text)}")
    if not total:
        output.note("No templates yet; save one with `csms template save NAME --text T`.")
    elif args.search:
        output.note(f"{plural(len(found), 'template')} of {total} matching {args.search!r}.")
    else:
        output.note(f"{plural(total, 'template')}.")
    return 0


async def _show(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        found = engine.saved_templates.find(args.name)
        if found is None:
            return _missing(args.name)
        zone = profile_zone(engine)
    if as_json(args):
        print(json.dumps(template_dict(found, zone), ensure_ascii=False))
        return 0
    print(found.text)
    fields = SavedTemplates.fields(found.text)
    if fields:
        output.note(f"Fields: {fields_phrase(fields)} (a personalised send fills them).")
    return 0


def _read_stdin() -> str:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return str(sys.stdin.read()).rstrip("\r\n")
    data: bytes = stream.read()
    try:
        return data.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"The text on standard input is not valid UTF-8 (byte {error.start + 1} cannot be"
            " decoded); save it as UTF-8 and try again."
        ) from None


async def _save(args: argparse.Namespace) -> int:
    try:
        text = _read_stdin() if args.text == "-" else args.text
        SavedTemplates.check_name(args.name)
        SavedTemplates.check_text(text)
    except InvalidInput as error:
        sentence = str(error)
        return _refused(f"Nothing was saved: {sentence[:1].lower()}{sentence[1:]}")
    async with cli_engine(args) as engine:
        try:
            saved = engine.saved_templates.save(args.name, text, replace=args.force)
        except TemplateExists as error:
            return _refused(
                f"A template called {error.existing.name!r} exists already; add --force to"
                " replace it, or choose another name."
            )
        zone = profile_zone(engine)
    if as_json(args):
        print(json.dumps({**template_dict(saved.template, zone), "replaced": saved.replaced}))
        return 0
    fields = SavedTemplates.fields(saved.template.text)
    uses = f" It uses {fields_phrase(fields)}." if fields else ""
    verb = "Replaced" if saved.replaced else "Saved"
    print(f"{verb} the template {saved.template.name!r}.{uses}")
    return 0


async def _rename(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        old = engine.saved_templates.find(args.name)
        if old is None:
            return _missing(args.name)
        try:
            renamed = engine.saved_templates.rename(old.name, args.new_name)
        except InvalidInput as error:
            sentence = str(error)
            return _refused(f"Nothing was renamed: {sentence[:1].lower()}{sentence[1:]}")
        zone = profile_zone(engine)
    if as_json(args):
        print(json.dumps({**template_dict(renamed, zone), "old_name": old.name}))
        return 0
    print(f"Renamed the template {old.name!r} to {renamed.name!r}.")
    return 0


def _confirm(template: SavedTemplate) -> bool:
    print(f"  {template.name}: {_first_line(template.text)}", file=sys.stderr)
    sys.stderr.write(f"Delete the template {template.name!r}? It cannot be undone. [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


async def _delete(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        templates = engine.saved_templates
        found = templates.find(args.name)
        if found is None:
            return _missing(args.name)
        if not args.yes:
            if not sys.stdin.isatty():
                return _refused(
                    f"The template {found.name!r} would be deleted; add --yes to confirm (no"
                    " question is asked when input is not a terminal)."
                )
            if not _confirm(found):
                return _refused("Nothing was deleted.")
        templates.delete(found.name)
    if as_json(args):
        print(json.dumps({"deleted": found.name}, ensure_ascii=False))
        return 0
    print(f"Deleted the template {found.name!r}.")
    return 0
