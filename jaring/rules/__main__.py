"""``python -m jaring.rules ...`` — the same as ``jaring rules ...``."""

from jaring.rules.cli import main

raise SystemExit(main())
