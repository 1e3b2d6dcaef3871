"""``python -m tests.octodns_scenarios``: write each scenario's zones as
octoDNS YAML (fixtures/scenarios/<name>/octodns/<domain>.yaml).

The files are fixtures, reviewed like the BIND ones; this writes their first
version from the BIND zones (the SOA left out: octoDNS leaves it to the
provider). A name written without its final dot where ZF104 reports it is
kept as written (the same mistake, pasted into YAML); every other name is
written absolute, as octoDNS wants. Names are sorted as octoDNS sorts them,
a name's records by type, and a TTL is written where it is not octoDNS's
default (3600).
"""

from __future__ import annotations

import re
from pathlib import Path

import dns.rdatatype

import zonefix
from tests.conftest import FIXTURES
from zonefix.rules import RuleContext

SCENARIOS = sorted(p for p in (FIXTURES / "scenarios").iterdir() if p.is_dir())
_PLAIN = re.compile(r"^[A-Za-z0-9_*][-A-Za-z0-9_.*]*$")


def _natural(name: str) -> list[tuple[int, int | str]]:
    return [
        (0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", name) if p
    ]


def _quote(text: str) -> str:
    """A YAML scalar: plain where YAML reads it back as this text."""
    import yaml

    if text and text.strip() == text:
        try:
            if yaml.safe_load(f"k: {text}\n") == {"k": text}:
                return text
        except yaml.YAMLError:
            pass
    return "'" + text.replace("'", "''") + "'"


def yaml_of(path: Path) -> str:
    zone = zonefix.parse_file(path)
    assert zone.origin is not None
    context = RuleContext(zone)
    as_written = {(d.record, d.position) for d in context.dotless if d.position >= 0}
    names: dict[str, dict[str, tuple[int, list[str]]]] = {}
    for i, record in enumerate(zone.records):
        if record.rdtype == dns.rdatatype.SOA:
            continue
        name = (
            ""
            if record.owner == zone.origin
            else record.owner.relativize(zone.origin).to_text()
        )
        rtype = dns.rdatatype.to_text(record.rdtype)
        words = zone.fields_of(i)[zone.table.rdata_field[i] :]
        rdata = record.rdata
        if rtype in ("TXT", "SPF"):
            text = b"".join(rdata.strings).decode()  # type: ignore[attr-defined]
            value = _quote(text.replace(";", "\\;"))
        elif rtype == "MX":
            host = (
                words[1].text if (i, 1) in as_written else rdata.exchange.to_text()  # type: ignore[attr-defined]
            )
            value = f"{{exchange: {host}, preference: {rdata.preference}}}"  # type: ignore[attr-defined]
        elif rtype == "SRV":
            value = (
                f"{{port: {rdata.port}, priority: {rdata.priority}, "  # type: ignore[attr-defined]
                f"target: {rdata.target}, weight: {rdata.weight}}}"  # type: ignore[attr-defined]
            )
        elif rtype in ("CNAME", "NS") and (i, 0) in as_written:
            value = words[0].text
        else:
            value = _quote(rdata.to_text())
        ttl, values = names.setdefault(name, {}).setdefault(rtype, (record.ttl, []))
        values.append(value)
    out = ["---\n"]
    for name in sorted(names, key=_natural):
        key = name if _PLAIN.match(name) and not name.startswith("*") else f"'{name}'"
        out.append(f"{key}:\n")
        types = names[name]
        listed = len(types) > 1
        for rtype in sorted(types):
            ttl, values = types[rtype]
            lines = []
            if ttl != 3600:
                lines.append(f"ttl: {ttl}")
            lines.append(f"type: {rtype}")
            if len(values) == 1:
                pairs = _pairs(values[0])
                if pairs is None:
                    lines.append(f"value: {values[0]}")
                else:
                    lines.append("value:")
                    lines.extend(f"  {k}: {v}" for k, v in pairs)
            else:
                lines.append("values:")
                for value in values:
                    pairs = _pairs(value)
                    if pairs is None:
                        lines.append(f"  - {value}")
                    else:
                        lines.extend(
                            ("  - " if n == 0 else "    ") + f"{k}: {v}"
                            for n, (k, v) in enumerate(pairs)
                        )
            for n, line in enumerate(lines):
                if listed:
                    out.append(("  - " if n == 0 else "    ") + line + "\n")
                else:
                    out.append("  " + line + "\n")
    return "".join(out)


def _pairs(value: str) -> list[tuple[str, str]] | None:
    """An MX or SRV value (written as a flow mapping above) as its pairs."""
    if not value.startswith("{"):
        return None
    return [(k, v) for k, v in (p.split(": ", 1) for p in value[1:-1].split(", "))]


def main() -> None:
    for scenario in SCENARIOS:
        folder = scenario / "octodns"
        folder.mkdir(exist_ok=True)
        for path in sorted(scenario.glob("db.*")):
            target = folder / (path.name.removeprefix("db.") + ".yaml")
            target.write_text(yaml_of(path), encoding="utf-8")
            print(target.relative_to(FIXTURES.parent))


if __name__ == "__main__":
    main()
