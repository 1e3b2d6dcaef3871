from zonefix.cli import run

run()
