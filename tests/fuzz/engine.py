"""Mutations of seed zones, and the properties checked on each input.

A mutation is a list of steps, each (kind, where, what): three numbers that
a random generator or hypothesis draws, applied to a seed's bytes. The
kinds are what broke zonefix before: bytes anywhere, parentheses, quotes,
escapes, directives, long labels, every type name, generic rdata, lines
repeated, dropped or swapped, CRLF and a BOM.

What must hold for every input (issue 10, point 11):

- nothing escapes ``parse_text``, ``check`` or the fixer (safe and unsafe);
- the round trip: the zone prints back its bytes;
- fixing settles ("did not settle" is a bug) and is idempotent: fixing the
  fixed text again applies nothing;
- a zone that loads still loads after the safe fixes: dnspython reads it
  (with its SOA and NS) and zonefix finds no error of reading (ZF0) it did
  not find before;
- reading and checking an input under 10 KB takes under a second.

A fix run may refuse (it would break the parse, add an error, or cannot
see every record): that is the fixer keeping its promise, and is counted,
not failed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import dns.rdatatype

import zonefix

ROOT = Path(__file__).resolve().parents[2]

#: (kind, where, what): where and what are drawn in [0, 2**16).
Step = tuple[int, int, int]

_TYPE_NAMES = sorted(
    {dns.rdatatype.to_text(t) for t in dns.rdatatype.RdataType}
    | {"TYPE65534", "TYPE0", "CLASS1", "SPF", "HTTPS", "SVCB"}
)
_SNIPPETS = [
    b"(",
    b")",
    b'"',
    b"\\",
    b"\\#",
    b"\\0",
    b"\\999",
    b"\\.",
    b";",
    b"@",
    b".",
    b"..",
    b"$",
    b"${1,3,d}",
    b"\t",
    b"\r",
    b"\n",
    b"\r\n",
    b" ",
    b"\x00",
    b"\x1b[2J",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\xc3\xa9",
    b"\\# 0",
    b"\\# 4 0A000001",
    b"\\# 3 0A0000",
    b"v=spf1 ",
    b"include:",
    b" -all",
    b" ~all",
    b" +all",
    b"redirect=",
    b"v=DMARC1; p=none",
    b"rua=",
    b"mailto:",
    b"v=DKIM1; k=rsa; p=",
    b"mx1.qiye.aliyun.com.",
    b"mx2.sg.aliyun.com",
    b"aspmx.l.google.com.",
    b"_dmarc",
    b"_domainkey",
    b"*",
    b"0",
    b"4294967295",
    b"1h",
    b"2w1d",
    b"IN",
    b"CH",
]
_DIRECTIVES = [
    b"$ORIGIN example.net.\n",
    b"$ORIGIN .\n",
    b"$ORIGIN sub\n",
    b"$ORIGIN \\1\n",
    b"$TTL 1h\n",
    b"$TTL 0\n",
    b"$TTL x\n",
    b"$INCLUDE missing.db\n",
    b"$INCLUDE /etc/hostname\n",
    b"$INCLUDE db.example.net\n",
    b"$GENERATE 1-5 h$ A 10.0.0.$\n",
    b"$GENERATE 1-3 $ CNAME h$\n",
    b"$GENERATE 0-2/0 x A 1.2.3.4\n",
    b"$GENERATE 1-4 m$ MX 10 mx$.example.net.\n",
]
_RECORDS = [
    b"@ CNAME www.example.org.\n",
    b"www CNAME @\n",
    b"mail MX 10 mx1.qiye.aliyun.com\n",
    b"@ MX 5 mx1.qiye.aliyun.com.\n",
    b"@ MX 10 mx2.qiye.aliyun.com.\n",
    b"@ MX 1 aspmx.l.google.com.\n",
    b"@ MX 0 .\n",
    b'@ TXT "v=spf1 include:spf.qiye.aliyun.com -all"\n',
    b'@ TXT "v=spf1 include the following:spf.sg.aliyun.com ~all"\n',
    b'@ SPF "v=spf1 -all"\n',
    b'_dmarc TXT "v=DMARC1; p=quarantine; rua=dmarc@example.net"\n',
    b"imap CNAME imap.hk.aliyun.com.\n",
    b"ns1 A 192.0.2.53\n",
    b"@ NS ns1\n",
    b"@ SOA ns1 hostmaster 0000000041 3h 15m 2w 1h\n",
    b"x.example.net A 192.0.2.1\n",
    b"x 60 A 192.0.2.1\nx 120 A 192.0.2.2\n",
    b"dup A 192.0.2.1\ndup A 192.0.2.1\n",
]

KINDS = (
    "byte",
    "snippet",
    "directive",
    "record",
    "type-name",
    "long-label",
    "repeat-line",
    "drop-line",
    "swap-lines",
    "crlf",
    "bom",
    "generic-rdata",
)


def seeds() -> list[tuple[str, bytes]]:
    """(file name, bytes) of every fixture zone the mutations start from."""
    fixtures = ROOT / "fixtures"
    paths = [
        *sorted((fixtures / "parse").glob("*.zone")),
        *sorted((fixtures / "parse").glob("db.*")),
        *sorted((fixtures / "rules").glob("ZF*/*.zone")),
        *sorted((fixtures / "scenarios").glob("*/db.*")),
        *sorted((ROOT / "examples").glob("db.*")),
    ]
    return [(p.name, p.read_bytes()) for p in paths if p.is_file()]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def mutate(data: bytes, steps: Sequence[Step]) -> bytes:
    """*data* with each step applied in turn."""
    for kind, where, what in steps:
        data = _apply(KINDS[kind % len(KINDS)], data, where, what)
        if len(data) > 64 * 1024:
            break
    return data


def _apply(kind: str, data: bytes, where: int, what: int) -> bytes:
    at = where % (len(data) + 1)
    if kind == "byte":
        return data[:at] + bytes([what % 256]) + data[at + 1 :]
    if kind == "snippet":
        return data[:at] + _SNIPPETS[what % len(_SNIPPETS)] + data[at:]
    if kind in ("directive", "record"):
        pool = _DIRECTIVES if kind == "directive" else _RECORDS
        lines = _lines(data)
        line = where % (len(lines) + 1)
        return b"".join([*lines[:line], pool[what % len(pool)], *lines[line:]])
    if kind == "type-name":
        name = _TYPE_NAMES[what % len(_TYPE_NAMES)].encode()
        return data[:at] + b" " + name + b" " + data[at:]
    if kind == "long-label":
        return data[:at] + b"l" * (60 + what % 10) + b"." + data[at:]
    if kind == "generic-rdata":
        length = what % 6
        return data[:at] + b" \\# %d " % length + b"ab" * (what % 7) + data[at:]
    lines = _lines(data)
    line = where % len(lines)
    if kind == "repeat-line":
        return b"".join([*lines[: line + 1], lines[line], *lines[line + 1 :]])
    if kind == "drop-line":
        return b"".join(lines[:line] + lines[line + 1 :])
    if kind == "swap-lines":
        other = what % len(lines)
        lines[line], lines[other] = lines[other], lines[line]
        return b"".join(lines)
    if kind == "crlf":
        return (
            data.replace(b"\n", b"\r\n") if what % 2 else data.replace(b"\r\n", b"\n")
        )
    if kind == "bom":
        return data[3:] if data.startswith(b"\xef\xbb\xbf") else b"\xef\xbb\xbf" + data
    raise ValueError(kind)


class Verdict(NamedTuple):
    """What checking one input found: the properties it broke (none: all
    held), and how a fix run ended when it refused."""

    broken: tuple[str, ...]
    refused: str | None = None
    seconds: float = 0.0


#: Mail settings an input may be checked with (inferred, or configured).
PROVIDERS = (None, "alibaba-mail-sg", "google-workspace", "alibaba-mail")


def check_input(
    data: bytes, name: str, folder: Path, provider: str | None = None
) -> Verdict:
    """Check every property on one input, read as *folder*/*name* (an
    empty folder: $INCLUDE finds nothing there)."""
    import zonefix
    from zonefix.fixer import fix
    from zonefix.mail import MailSettings

    broken: list[str] = []
    filename = str(folder / name)
    settings = MailSettings((("@", provider),) if provider else ())
    # CPU time, not the clock: on a shared machine a busy neighbour would
    # make any input "slow" (three did, at 0.1-0.2 s of CPU each).
    start = time.process_time()
    try:
        zone = zonefix.parse_text(data, filename=filename, include_root=folder)
        zone.mail_settings = settings
        findings = zonefix.check(zone)
    except KeyboardInterrupt:
        raise
    except Exception as error:
        return Verdict((f"exception in check: {type(error).__name__}: {error}",))
    seconds = time.process_time() - start
    if len(data) < 10 * 1024 and seconds > 1.0:
        broken.append(f"slow: {seconds:.2f} s to read and check {len(data)} bytes")
    if zone.to_bytes() != data:
        broken.append("round trip: the zone does not print back its bytes")
    refused = None
    for unsafe in (False, True):
        try:
            once = fix(zone, unsafe=unsafe)
        except KeyboardInterrupt:
            raise
        except Exception as error:
            broken.append(f"exception in fix: {type(error).__name__}: {error}")
            continue
        if once.problem is not None:
            if "did not settle" in once.problem:
                broken.append(f"unsettled: {once.problem}")
            else:
                refused = _reason(once.problem)
            continue
        if not once.applied:
            continue
        try:
            fixed = zonefix.parse_text(
                zone.source.encode(once.text), filename=filename, include_root=folder
            )
            fixed.mail_settings = settings
            again = fix(fixed, unsafe=unsafe)
        except KeyboardInterrupt:
            raise
        except Exception as error:
            broken.append(f"exception fixing again: {type(error).__name__}: {error}")
            continue
        if again.applied or again.problem:
            what = again.problem or ", ".join(a.code for a in again.applied)
            broken.append(f"not idempotent ({'unsafe' if unsafe else 'safe'}): {what}")
        if not unsafe:
            broken.extend(_still_loads(zone, fixed))
    del findings
    return Verdict(tuple(broken), refused, seconds)


def _still_loads(before: zonefix.Zone, after: zonefix.Zone) -> list[str]:
    """A zone that loaded (dnspython reads it, with SOA and NS at the apex)
    still loads after the safe fixes, and reading it finds no new error."""
    import dns.zone

    from zonefix.bind.resolver import to_dns_text

    def loads(zone: zonefix.Zone) -> bool:
        if zone.origin is None or zone.source.raw is not None:
            return False
        try:
            dns.zone.from_text(
                # BIND reads bytes: each non-ASCII byte spelled \\DDD.
                to_dns_text(zone.tree.text),
                origin=zone.origin,
                relativize=False,
                check_origin=True,
            )
        except Exception:  # any way dnspython refuses it
            return False
        return True

    if not loads(before):
        return []
    out = []
    if not loads(after) and _bind_agrees(before, after):
        out.append("a zone dnspython loads does not load after the safe fixes")
    reading = {(d.code.code, d.message) for d in before.diagnostics}
    new = [d for d in after.diagnostics if (d.code.code, d.message) not in reading]
    if new:
        first = new[0]
        out.append(
            f"a new error of reading after the safe fixes: {first.code.code} {first.message}"
        )
    return out


def _bind_agrees(before: zonefix.Zone, after: zonefix.Zone) -> bool:
    """Whether named-checkzone, where it is installed, also loads *before*
    and refuses *after*: dnspython reads some files otherwise than BIND (a
    blank owner after $GENERATE), and BIND is the reference."""
    import shutil
    import subprocess
    import tempfile

    if shutil.which("named-checkzone") is None:
        return True
    verdicts = []
    with tempfile.TemporaryDirectory() as folder:
        for zone in (before, after):
            data = zone.source.encode(zone.tree.text)
            path = Path(folder) / "zone"
            path.write_bytes(data[3:] if data.startswith(b"\xef\xbb\xbf") else data)
            checked = subprocess.run(
                ["named-checkzone", "-q", "-i", "local", str(zone.origin), "zone"],
                cwd=folder,
                capture_output=True,
                check=False,
            )
            verdicts.append(checked.returncode == 0)
    return verdicts == [True, False]


def _reason(problem: str) -> str:
    """A refused fix run's reason, as a kind to count: what it would have
    done, and the codes of the fixes it names."""
    named = problem.split("did not have: ", 1)[-1].split("so it fixes nothing: ")[-1]
    named = named.split("cannot read (", 1)[-1].split("): ", 1)[-1]
    codes = sorted(set(re.findall(r"\bZF\d{3}\b", named)))
    if problem.startswith("line ") and "lone carriage return" in problem:
        return "a lone carriage return (read as BIND does, not written)"
    if problem.startswith("zonefix cannot see"):
        return "cannot see every record (a refused $INCLUDE or $GENERATE)"
    if problem.startswith("a fix would write a record"):
        return "a fix would write a record zonefix cannot read: " + " ".join(codes)
    if problem.startswith("a fix would break"):
        return "a fix would break the syntax: " + " ".join(codes)
    added = re.match(r"the fixes would add (ZF\d{3})", problem)
    if added:
        return f"would add {added.group(1)}: " + " ".join(codes)
    return problem.split(":")[0]
