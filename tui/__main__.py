"""``python -m tui`` does what the ``csms`` command does."""

from tui.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
