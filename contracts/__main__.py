"""``python -m ssot_imports`` runs the ``ssot-imports`` command line."""

from .cli import main

if __name__ == "__main__":  # not when a worker process imports it
    raise SystemExit(main())
