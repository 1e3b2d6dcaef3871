from zonefix.cli import main

# Ends as Python does (not cli.run's quick end): profilers, coverage and
# tracers that report at exit run the command as ``python -m zonefix``.
raise SystemExit(main())
