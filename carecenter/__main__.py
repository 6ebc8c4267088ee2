"""``python -m carecenter``: the command line."""

from carecenter.cli import main

raise SystemExit(main())
