"""``python -m carecenter``: the command line."""

from carecenter.cli.entry import main

raise SystemExit(main())
