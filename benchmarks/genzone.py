"""Write a realistic BIND zone of N records, for benchmarks.

The zone looks like one a company or a hosting provider keeps in git: a
multi-line SOA with comments, apex NS/MX/TXT/CAA, hosts with A and AAAA
under blank owners, TTLs with units, TXT records with escapes, SRV records,
CNAMEs, delegations with glue, and mail: about 5% of the records are MX, at
one name in every 18 hosts (some 2,600 names in 100k records), each with its
own mail host and a provider's (as ../shared/bench/gen_zone.py writes them;
the benchmarks use that one when it is there). The same N always gives the
same file.

    python benchmarks/genzone.py 100000 > db.example.net
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

HEADER = """\
; example.net: generated for zonefix benchmarks
$ORIGIN example.net.
$TTL 1h
@\tIN\tSOA\tns1.example.net. hostmaster.example.net. (
\t\t\t2026112201 ; serial
\t\t\t3h         ; refresh
\t\t\t15m        ; retry
\t\t\t2w         ; expire
\t\t\t1h )       ; negative caching TTL
\tIN\tNS\tns1
\tIN\tNS\tns2.example.org.
\tIN\tMX\t10 mx1
\tIN\tMX\t20 mx2
\tIN\tTXT\t"v=spf1 mx include:_spf.example.org -all"
\tIN\tCAA\t0 issue "letsencrypt.org"
ns1\tIN\tA\t192.0.2.53
mx1\tIN\tA\t192.0.2.25
mx2\tIN\tA\t192.0.2.26
"""
HEADER_RECORDS = 10
# Mail providers' hosts, for the second MX of each mail domain.
PROVIDER_MX = (
    "aspmx.l.google.com.",
    "example-net.mail.protection.outlook.com.",
    "mx1.qiye.aliyun.com.",
    "mx1.sg.aliyun.com.",
)


def records(count: int) -> Iterator[str]:
    """Lines holding exactly *count* records after the header."""
    written = 0
    i = 0
    while True:
        host = f"host{i}"
        a, b = divmod(i, 250)
        block: list[tuple[str, int]] = []
        if i % 100 == 0:
            block.append((f"\n; ---- block {i // 100} ----\n", 0))
        block.append(
            (f"{host}\t1h30m\tIN\tA\t10.{a // 250 % 250}.{a % 250}.{b + 1}\n", 1)
        )
        if i % 3 == 0:
            block.append((f"\t\tIN\tAAAA\t2001:db8::{i >> 16:x}:{i & 0xFFFF:x}\n", 1))
        if i % 5 == 0:
            block.append((f"www{i}\tIN\tCNAME\t{host}\n", 1))
        if i % 7 == 0:
            block.append(
                (
                    f'{host}\t300\tTXT\t"owner=team{i % 13}; '
                    '\\"quoted\\" and \\059 escaped" "part2"\n',
                    1,
                )
            )
        if i % 11 == 0:
            block.append(
                (f"_sip._tcp.{host}\tSRV\t10 60 5060 {host}.example.net.\n", 1)
            )
        if i % 18 == 9:
            block.append(
                (
                    f"m{i}\tIN\tMX\t10 mail{i}\n"
                    f"\tIN\tMX\t20 {PROVIDER_MX[i // 18 % len(PROVIDER_MX)]}\n"
                    f"mail{i}\tIN\tA\t192.0.2.{i % 250 + 1}\n",
                    3,
                )
            )
        if i % 17 == 0:
            block.append(
                (
                    f"sub{i}\t86400\tIN\tNS\tns1.sub{i}\n"
                    f"\t86400\tIN\tNS\tns2.sub{i}.example.net.\n"
                    f"ns1.sub{i}\tIN\tA\t192.0.2.{i % 250 + 1}\n"
                    f"ns2.sub{i}\tIN\tAAAA\t2001:db8:1::{i >> 16:x}:{i & 0xFFFF:x} ; glue\n",
                    4,
                )
            )
        for text, n in block:
            if written + n > count:
                return
            yield text
            written += n
            if written == count:
                return
        i += 1


def generate(count: int) -> str:
    """A zone of exactly *count* records (at least the header's)."""
    return HEADER + "".join(records(max(0, count - HEADER_RECORDS)))


if __name__ == "__main__":
    sys.stdout.write(generate(int(sys.argv[1])))
