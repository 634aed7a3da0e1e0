"""``python -m disclosure_rules``: the command line."""

from .cli import main

raise SystemExit(main())
