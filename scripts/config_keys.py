"""Write the table of profile keys in tui/help/settings.md from the schema.

    python scripts/config_keys.py           # rewrite the table
    python scripts/config_keys.py --check   # exit 1 if the help is out of date

The keys, their defaults, bounds and help are declared once, in
tui/config/schema.py; the help's table is made from there.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HELP = ROOT / "tui" / "help" / "settings.md"


def main(argv: list[str] | None = None) -> int:
    from tui.config.keys_doc import with_keys_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    current = HELP.read_text(encoding="utf-8")
    wanted = with_keys_table(current)
    if args.check:
        if current != wanted:
            print(f"{HELP} is out of date; run python scripts/config_keys.py.", file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        HELP.write_text(wanted, encoding="utf-8")
        print(f"Wrote the key table of {HELP}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
