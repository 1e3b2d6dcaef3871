"""One zonefix call on many zone files against a shell loop of named-checkzone.

A DNS repository holds many small zones; a pre-commit run or a CI job checks
them all. This writes 500 zone files of about 50 records each, then times,
in one run, ``zonefix --quiet DIR`` against ``for f in ...; do
named-checkzone -i local ZONE f; done`` over the same files, and prints the
ratio (target: at most 0.5). ``-i local`` keeps BIND's checks to the zone
itself: its default also looks up out-of-zone MX and NS hosts in the DNS,
which on a machine without DNS (as here) waits for timeouts and would
flatter zonefix.

    python benchmarks/bench_many.py [--files 500] [--records 50] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from genzone import generate  # noqa: E402

TARGET = 0.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--records", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("named-checkzone") is None:
        raise SystemExit(
            "named-checkzone is not installed (apt-get install bind9-utils)"
        )
    zonefix = Path(sys.executable).parent / "zonefix"
    command = [str(zonefix)] if zonefix.exists() else [sys.executable, "-m", "zonefix"]
    with tempfile.TemporaryDirectory(prefix="zonefix-many-") as tmp:
        folder = Path(tmp)
        for n in range(args.files):
            text = generate(args.records).replace("example.net", f"zone{n}.example")
            (folder / f"db.zone{n}.example").write_text(text, encoding="utf-8")
        loop = (
            f"cd {folder} && for f in db.*; do "
            'named-checkzone -q -i local "${f#db.}" "$f" || exit 1; done'
        )
        ours, theirs = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = subprocess.run([*command, "--quiet", str(folder)], check=False)
            ours.append(time.perf_counter() - start)
            if result.returncode != 0:
                raise SystemExit("zonefix found something in the generated zones")
            start = time.perf_counter()
            subprocess.run(["bash", "-c", loop], check=True)
            theirs.append(time.perf_counter() - start)
    zf, bind = statistics.median(ours), statistics.median(theirs)
    print(f"{args.files} files of {args.records} records:")
    print(f"  zonefix, one call:        {zf:.2f} s")
    print(f"  named-checkzone, a loop:  {bind:.2f} s")
    print(f"  ratio {zf / bind:.2f} (target <= {TARGET})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
