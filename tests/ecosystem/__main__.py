"""``python -m tests.ecosystem [--update]``: zonefix over ../shared/realworld.

Prints what changed against the reviewed snapshot (tests/ecosystem/
findings.tsv) and the judgement table. ``--update`` writes the findings of
this run into the snapshot, keeping the verdicts of unchanged findings; new
or changed ones are ``unreviewed`` until someone reads them.
"""

from __future__ import annotations

import sys

from tests.ecosystem import (
    REALWORLD,
    SNAPSHOT,
    all_findings,
    read_snapshot,
    table,
    unreviewed,
    updated,
    write_snapshot,
)


def main(argv: list[str]) -> int:
    if not (REALWORLD / "manifest.tsv").is_file():
        print(f"{REALWORLD} is not present: nothing to check", file=sys.stderr)
        return 2
    found = all_findings()
    old = read_snapshot() if SNAPSHOT.exists() else []
    rows = updated(found, old)
    before = {r.finding.key for r in old}
    after = {f.key for f in found}
    for key in sorted(before - after):
        print("- " + ":".join(map(str, key[:3])) + f": {key[3]} {key[4]}")
    for key in sorted(after - before):
        print("+ " + ":".join(map(str, key[:3])) + f": {key[3]} {key[4]}")
    print(table(rows), end="")
    if "--update" in argv:
        write_snapshot(rows)
        print(f"wrote {SNAPSHOT}")
    pending = list(unreviewed(rows))
    if pending:
        print(f"{len(pending)} findings to review in {SNAPSHOT}")
    changed = before != after
    return 1 if (changed and "--update" not in argv) or pending else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
