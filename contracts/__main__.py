"""``python -m ssot_imports`` runs the ``ssot-imports`` command line."""

from .cli import main

raise SystemExit(main())
