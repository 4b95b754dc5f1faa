"""`python -m services.cli` is the `propertytax` command."""

from services.cli import main

raise SystemExit(main())
