"""The ``csms`` command line: the app by default, subcommands for scripts and cron."""
