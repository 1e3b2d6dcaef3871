from zonefix.cli import main

raise SystemExit(main())
