"""The mail rules' quick look-ups held to the plain passes they stand in
for: every fixture, corpus and real zone (tests/test_fastpath.py's zones),
and generated shapes where they vary."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from itertools import chain
from pathlib import Path

import dns.exception
import dns.name
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import zonefix
from tests.conftest import ROOT
from tests.test_fastpath import zones
from tests.test_mail_records import KEY_1024
from zonefix import index as index_module
from zonefix import rrtypes
from zonefix.addresses import is_address
from zonefix.bind import mail_texts as mail_texts_module
from zonefix.bind.edits import _renamed, _renamed_as_text
from zonefix.bind.facts import editable, record_repeats_owner, txt_joined
from zonefix.bind.mail_texts import (
    all_passed_by_text,
    entry_texts,
    mx_preference_words,
    passed_by_text,
    plain_txt_value,
)
from zonefix.bind.syntax.nodes import fields_between
from zonefix.diagnostics import Applicability, Fix
from zonefix.index import (
    ZoneIndex,
    bad_host_label,
    plain_host,
)
from zonefix.mail import MailSettings, printable
from zonefix.mail import domains as domains_module
from zonefix.mail.dkim import (
    dkim_problems,
    parsed_problems,
    parsed_rsa_key_bits,
    rsa_key_bits,
)
from zonefix.mail.dmarc import is_dmarc
from zonefix.mail.domains import MailDomain, MailView, MxRecord
from zonefix.mail.spf import is_spf, spf_word_not_first
from zonefix.providers import Profile, profile_from_mapping
from zonefix.rules import dmarc as dmarc_rules
from zonefix.rules.context import RuleContext
from zonefix.rules.dmarc import DKIM_SYNTAX, _dmarc_name
from zonefix.rules.mail import (
    MIXED_MAIL_PROVIDERS,
    MX_TARGET_NO_ADDRESS,
    _in_zone,
    mx_hosts_to_look_up,
    mx_target_no_address,
)
from zonefix.rules.registry import finding_at_field
from zonefix.rules.spf import mx_record_count
from zonefix.settings import Settings
from zonefix.zone import Zone


@pytest.fixture(scope="module")
def read_zones() -> list[tuple[str, Zone]]:
    return [(name, load()) for name, load in zones()]


def _mx_counts_by_a_pass(zone: Zone) -> dict[str, int]:
    """Every MX owner's count of MX records (a record written twice counts
    once, the null MX not at all), from one pass over every MX."""
    index = zone.index
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for i in index.of_type(rrtypes.MX):
        host = index.target_key(i, 1)
        owner = index.owner_key(i)
        found.setdefault(owner, set())
        if host is not None and host != ".":
            found[owner].add((index.rdata_words(i)[0], host))
    return {owner: len(pairs) for owner, pairs in found.items()}


def test_mx_counts_asked_by_name_are_those_of_a_pass(
    read_zones: list[tuple[str, Zone]],
) -> None:
    """ZF307 counts the MX records of the names an ``mx`` term asks about,
    each found by name: the counts a pass over every MX gives, and none at
    names with no MX."""
    for name, zone in read_zones:
        counts = _mx_counts_by_a_pass(zone)
        for owner, count in counts.items():
            assert mx_record_count(zone, owner) == count, (name, owner)
        for other in ("", "not-there.example.", zone.index.apex_key):
            assert mx_record_count(zone, other) == counts.get(other, 0), name


def _mx_hosts_by_reading_each(zone: Zone) -> dict[str, list[int]]:
    """ZF205's hosts to look up, each MX's host read as written and judged
    on its own."""
    index = zone.index
    dotless = {(d.record, d.position) for d in index.dotless_names()}
    wanted: dict[str, list[int]] = defaultdict(list)
    for i in index.of_type(rrtypes.MX):
        if (i, 1) in dotless:
            continue
        words = index.rdata_words(i)
        if len(words) < 2 or is_address(words[1].rstrip(".")):
            continue
        host = index.target_key(i, 1)
        if host is None or host == "." or host in index.aliases:
            continue
        if bad_host_label(host) is not None:
            continue
        if not _in_zone(host, index.apex_key, zone) or index.below_cut(host):
            continue
        wanted[host].append(i)
    return wanted


def test_mx_hosts_judged_once_are_those_judged_per_record(
    read_zones: list[tuple[str, Zone]],
) -> None:
    """ZF205 reads an MX host as written only where its key could be an
    address's, and judges each host once: the hosts and records of reading
    and judging every MX alone."""
    for name, zone in read_zones:
        if zone.origin_text is None:
            continue
        assert mx_hosts_to_look_up(zone) == _mx_hosts_by_reading_each(zone), name


_HOST_WORDS = st.one_of(
    st.ip_addresses().map(str),
    st.ip_addresses(v=6).map(lambda a: f"{a}%eth0"),
    st.from_regex(r"[0-9a-fA-F:.]{1,12}", fullmatch=True),
    st.from_regex(r"(\\[0-9]{3}|[a-z0-9.-]|\\[:.a]){1,10}\.?", fullmatch=True),
    st.sampled_from(["@", ".", "mail", "Mail.example.net.", "1mail", "x:y"]),
    # At and below a delegation, an alias, outside the zone.
    st.sampled_from(["sub", "mx.Sub", "sub.example.net.", "alias", "mx.example.org."]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_HOST_WORDS, min_size=1, max_size=6))
@example(["mail.example.net", "mail.example.net."])  # ZF104's, then ZF205's
def test_mx_hosts_of_any_shape_are_judged_as_each_alone(words: list[str]) -> None:
    """Hosts written as addresses (with a scope, or escaped digits), names
    starting with a digit or holding a colon: judged once per host, as each
    record alone judges them; names at or below a delegation, an alias,
    names outside the zone."""
    body = "".join(f"m{n} MX 10 {word}\n" for n, word in enumerate(words))
    head = "$ORIGIN example.net.\n$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n"
    text = f"{head}sub NS ns.example.org.\nalias CNAME mail\n{body}"
    zone = zonefix.parse_text(text)
    assert mx_hosts_to_look_up(zone) == _mx_hosts_by_reading_each(zone)


_ADDRESS_LINES = st.sampled_from(
    [
        "mail A 192.0.2.1\n",
        "mx AAAA 2001:db8::1\n",
        "*.w A 192.0.2.2\n",
        "*.x TXT x\n",
        "y.x A 192.0.2.3\n",
        "other TXT x\n",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            _HOST_WORDS,
            st.sampled_from(["mx", "a.w", "b.x", "y.x", "other", "none", "mail"]),
        ),
        min_size=1,
        max_size=6,
    ),
    st.lists(_ADDRESS_LINES, max_size=4),
)
@example(["none", "mail", "none"], [])
@example(["a.w", "b.x", "y.x", "other"], ["*.w A 192.0.2.2\n", "*.x TXT x\n"])
def test_mx_hosts_without_address_are_those_of_each_host_alone(
    words: list[str], lines: list[str]
) -> None:
    """ZF205 asks about every host it may look up at once, and lists the
    records only where one lacks an address: its findings are, record by
    record, those of asking has_address of each host mx_hosts_to_look_up
    keeps (a wildcard's address counts, its name's other records not)."""
    body = "".join(f"m{n} MX 10 {word}\n" for n, word in enumerate(words))
    head = "$ORIGIN example.net.\n$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n"
    text = f"{head}sub NS ns.example.org.\nalias CNAME mail\n{''.join(lines)}{body}"
    zone = zonefix.parse_text(text)
    found = list(mx_target_no_address(RuleContext(zone, Settings())))
    fresh = zonefix.parse_text(text)
    expected = [
        (i, f"MX host {host} has no A or AAAA record in the zone")
        for host, records in mx_hosts_to_look_up(fresh).items()
        if not fresh.index.has_address(host)
        for i in records
    ]
    assert found == [
        finding_at_field(zone, MX_TARGET_NO_ADDRESS, message, i, 1)
        for i, message in expected
    ], text


def test_only_p_and_f_match_p_and_f_ignoring_case() -> None:
    """ZF303 searches for "v=spf1" (ignoring case) only in values whose
    lower case holds "pf1": every character the search takes for a "p", an
    "f" or a "1" is one in lower case (unlike "s", which "\u017f" matches)."""
    for letter in "pf1":
        pattern = re.compile(letter, re.IGNORECASE)
        for point in range(sys.maxunicode + 1):
            char = chr(point)
            if pattern.fullmatch(char):
                assert char.lower() == letter, (letter, hex(point))
    assert spf_word_not_first("x v=\u017fpf1")  # the long s: a match


@given(
    st.lists(
        st.sampled_from(["v=spf1", "V=SPF1", "v=\u017fpf1", "pf1", " ", "\t", "x"])
        | st.text(max_size=4),
        max_size=8,
    ).map("".join)
)
def test_spf_not_first_is_the_search_alone(value: str) -> None:
    searched = re.search(r"(?i)(^|\s)v=spf1(\s|$)", value) is not None
    first = value.lower().startswith("v=spf1")
    assert spf_word_not_first(value) == (searched and not first)


def _mail_view(zone: Zone) -> MailView:
    return RuleContext(zone).mail


def _txt_pass_each(
    zone: Zone,
) -> tuple[
    dict[str, list[int]], list[tuple[int, str, str]], list[int], list[tuple[int, str]]
]:
    """What the mail view's TXT pass gives, from every TXT record's owner
    key and value, each read the general way."""
    index = zone.index
    spf: dict[str, list[int]] = defaultdict(list)
    dmarc, not_first, domainkey = [], [], []
    for i in index.of_type(rrtypes.TXT):
        owner = index.owner_key(i)
        value = _mail_view(zone)._read_txt(i)
        if is_spf(value):
            spf[owner].append(i)
        if is_dmarc(value) or owner.startswith("_dmarc."):
            dmarc.append((i, owner, value))
        if spf_word_not_first(value):
            not_first.append(i)
        if owner.partition("._domainkey.")[1]:
            domainkey.append((i, owner))
    return dict(spf), dmarc, not_first, domainkey


def _assert_txt_pass(name: str, zone: Zone) -> None:
    view = _mail_view(zone)
    spf, dmarc, not_first, domainkey = _txt_pass_each(zone)
    assert list(view.spf_by_owner.items()) == list(spf.items()), name
    assert view.dmarc_records == dmarc, name
    assert view.spf_not_first == not_first, name
    assert view.domainkey_records == domainkey, name
    index = zone.index
    table = zone.table
    tree = zone.tree
    records = index.of_type(rrtypes.TXT)
    # The entries' texts sliced all at once, and passed all at once: as
    # each alone.
    texts = entry_texts(zone, records)
    for i, text in zip(records, texts, strict=True):
        if i in table.generated or table.document[i] != 0:
            assert text is None, (name, i)
        else:
            assert text == tree.text[slice(*tree.span(table.entry[i]))], (name, i)
    # All at once: passed_by_text's answer, or none where an escape makes
    # it unsure (each passed alone is held to the records below).
    for text, passed in zip(texts, all_passed_by_text(texts), strict=True):
        if text is None or "\\" not in text:
            assert passed == (text is not None and passed_by_text(text)), name
        elif passed:
            assert passed_by_text(text), (name, text)
    for i in records:
        assert view.txt_value(i) == _mail_view(zone)._read_txt(i), (name, i)
        if i in table.generated or table.document[i] != 0:
            continue
        # The text's own answers, asked of every record (not only of those
        # the pass asks): a record passed by its text is none the view
        # keeps, and a value read from the text is the general way's.
        entry = tree.text[slice(*tree.span(table.entry[i]))]
        value = plain_txt_value(entry, table.rdata_field[i])
        if value is not None:
            assert value == txt_joined(index.rdata_words(i)), (name, i)
        if table.owner_ref[i] == i and passed_by_text(entry):
            owner = index.owner_key(i)
            if not ("_dmarc" in owner or "_domainkey" in owner):
                value = _mail_view(zone)._read_txt(i)
                assert not is_spf(value), (name, i)
                assert not is_dmarc(value), (name, i)
                assert not spf_word_not_first(value), (name, i)


def test_txt_records_read_in_one_pass_are_those_of_a_pass_each(
    read_zones: list[tuple[str, Zone]],
) -> None:
    """The mail view reads every TXT record once (owner and value) for the
    SPF, DMARC and DKIM rules: what a pass of its own over every TXT record
    gives each of them, in file order. Those it passes by their text alone
    are none of them, and the values it reads from the text are those of
    their fields."""
    for name, zone in read_zones:
        _assert_txt_pass(name, zone)


# Pieces of TXT entries: owners (DMARC and DKIM names, escaped or not),
# values that spell v=spf1 or v=DMARC1 across strings, in escapes, or in
# another case, strings split across lines, comments among them.
_TXT_OWNERS = [
    "@",
    "a",
    "_dmarc",
    "\\_dmarc",
    "\\095DMARC",
    "s._domainkey",
    "s._DomainKey.x.",
    "x._dmarc.",
    "\\pf1",
    "pf1",
    "a\\.b",
    "\\\\",
]
_TXT_PIECES = [
    '"v=spf1 -all"',
    '"V=SPF1"',
    '"v=sp"',
    '"f1 -all"',
    '"v=DMARC1; p=none"',
    '"v=dmarc"',
    '"1; p=none"',
    '"\\118=spf1"',
    '"v=sp\\f1 -all"',
    '"_dm\\arc"',
    '"v=sp\\070\\0491"',
    '"x\\"y"',
    "v=spf1",
    "pf1",
    '"a;b"',
    '"(p"',
    '"f1)"',
    '""',
    '"\\\\"',
    '"\\1"',
    '"\\999"',
    "(",
    ")",
    "\n ",
    "; c\n",
    " ",
    "\t",
    '"p\rf1"',
    '"é pf1"',
    "\x0b",
    '"dm""arc1"',
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_TXT_OWNERS),
            st.lists(st.sampled_from(_TXT_PIECES), min_size=1, max_size=6),
        ),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(["x.", "_dmarc.x.", "k._domainkey.x."]),
)
@example([("a", ["(", '"v=sp"', "; c\n", '"f1 -all"', ")"])], "x.")
@example([("a", ['"v=sp\\f1 -all"'])], "x.")
@example([("a", ['"v=DMARC1;"', "(", '"p=none"', ")"])], "x.")
def test_txt_entries_of_any_shape_are_read_as_each_alone(
    entries: list[tuple[str, list[str]]], origin: str
) -> None:
    """Entries that may spell v=spf1 or v=DMARC1 only once their strings
    are joined or escapes read, at DMARC and DKIM names written in any
    way, multi-line or with comments: the pass gives what reading each
    record gives (entries the grammar refuses are left out)."""
    lines = []
    for owner, pieces in entries:
        rdata = " ".join(pieces)
        if rdata.count("(") != rdata.count(")") or rdata.find(")") < rdata.find("("):
            rdata = rdata.replace("(", " ").replace(")", " ").replace("\n", " ")
        lines.append(f"{owner} 300 IN TXT {rdata}\n")
    try:
        zone = zonefix.parse_text("".join(lines), origin=origin)
    except Exception:
        return
    _assert_txt_pass(repr(lines), zone)


def _infer_family_by_family(
    view: MailView, domain: str, mx: list[MxRecord]
) -> tuple[Profile | None, tuple[Profile, ...], tuple[MxRecord, ...]]:
    """MailView.infer's answer, each host's holders taken family by family
    (no shortcut for a host of one profile)."""
    unknown: list[MxRecord] = []
    fitting: dict[str, list[Profile]] = {}
    named: dict[str, list[Profile]] = {}
    for m in mx:
        holders = view.holders(m.host, domain)
        if not holders:
            unknown.append(m)
            continue
        for family in dict.fromkeys(p.family for p in holders):
            mine = [p for p in holders if p.family == family]
            seen = named.setdefault(family, [])
            seen.extend(p for p in mine if p not in seen)
            before = fitting.get(family)
            fitting[family] = (
                mine if before is None else [p for p in before if p in mine]
            )
    if not named:
        return None, (), tuple(unknown)
    if len(named) == 1 and not unknown:
        family = next(iter(named))
        if fitting[family]:
            return fitting[family][0], (), ()
        return None, tuple(named[family]), ()
    return None, tuple((fitting[f] or named[f])[0] for f in named), tuple(unknown)


def test_providers_inferred_are_those_of_each_hosts_families(
    read_zones: list[tuple[str, Zone]],
) -> None:
    for name, zone in read_zones:
        view = _mail_view(zone)
        for domain in view.domains:
            mx = list(domain.mx)
            assert view.infer(domain.name, mx) == _infer_family_by_family(
                view, domain.name, mx
            ), (name, domain.name)


def _profile_hosts() -> list[str]:
    view = _mail_view(zonefix.parse_text("@ 300 IN A 192.0.2.1\n", origin="x."))
    hosts = {
        mx.host.replace("*", "a").replace("{domain-dashes}", "example-net")
        for profile in view.profiles.values()
        for host_set in profile.mx_sets
        for mx in host_set
    }
    hosts |= {
        pattern.replace("*", "mx")
        for profile in view.profiles.values()
        for pattern in profile.family_hosts
    }
    return [*sorted(hosts), "mail.example.net", "mx.example.org"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_profile_hosts()), min_size=1, max_size=5))
def test_providers_inferred_from_any_hosts_are_those_family_by_family(
    hosts: list[str],
) -> None:
    """Hosts of one profile, of several, of two sites or families, and of
    none, in any order and repeated."""
    view = _mail_view(zonefix.parse_text("@ 300 IN A 192.0.2.1\n", origin="x."))
    mx = [MxRecord(n, 10, host) for n, host in enumerate(hosts)]
    for domain in ("example.net.", "x."):
        assert view.infer(domain, mx) == _infer_family_by_family(view, domain, mx)


@given(st.text(max_size=12) | st.sampled_from(["a\x00b", "\x7f", "x\ny", "\u2028"]))
def test_printable_text_is_written_as_the_substitution_writes_it(text: str) -> None:
    """printable() returns a text Python calls printable as it is: no
    control character is printable, so the substitution would change
    nothing."""
    assert not any(chr(c).isprintable() for c in [*range(0x20), 0x7F])
    expected = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\{ord(m.group()):03d}", text)
    assert printable(text) == expected


def test_whitespace_split_on_is_the_patterns() -> None:
    """A DKIM key's blanks are dropped by str.split(): the characters it
    splits on are those ``\\s`` matches, every code point."""
    blank = re.compile(r"\s")
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        assert (blank.fullmatch(char) is not None) == (char.split() == []), hex(point)
    key = "MIGf\tMA0G\u2003CSqG\r\nSIb3\x1cDQEB"
    assert "".join(key.split()) == re.sub(r"\s", "", key)


_KEY_PIECES = st.sampled_from(
    ["a", "Z", "0", "-", ".", "_", "\\", "\\046", "*", "é", "xn--p1ai", "mail1", " "]
)


@settings(max_examples=500)
@given(st.lists(_KEY_PIECES | st.text(max_size=2), max_size=10).map("".join))
@example("-.")
@example("a-.b.")
@example("a.-b.")
@example("a..b.")
@example("\\046.example.")
@example("\u00e9.example.")
@example("a_b.example.")
@example("mail1.example.net.")
def test_plain_hosts_have_no_bad_label(key: str) -> None:
    """A name matched whole as a host's name (what ZF205 and ZF115 take
    first) is one where bad_host_label's labels, read one by one, hold no
    bad label."""
    if plain_host(key):
        assert bad_host_label(key) is None, key
    if bad_host_label(key) is None and key.endswith(".") and not key.endswith(".."):
        assert plain_host(key) or key == "." or "\\" in key, key


def test_plain_hosts_of_every_zone_have_no_bad_label(
    read_zones: list[tuple[str, Zone]],
) -> None:
    for name, zone in read_zones:
        index = zone.index
        for i in index.of_types(rrtypes.MX, rrtypes.NS, rrtypes.CNAME):
            for position in (0, 1):
                key = index.target_key(i, position)
                if key is not None and plain_host(key):
                    assert bad_host_label(key) is None, (name, i, key)


# Three labels of 61 letters (and a fourth to make the length).
_LONG_OWNER = ".".join(["a" * 61] * 3) + "."


def _new_owners(zone: Zone, i: int) -> list[str]:
    """Names to move record *i* to: below its owner (as ZF404 does), its
    origin and elsewhere, in other cases, the origin and the owner itself."""
    owner = zone.index.owner_key(i)
    origin = zone.index.name_key("@", i) or "example.org."
    return [
        f"_dmarc.{owner}",
        f"_DMARC.{owner.upper()}",
        f"a.B.{owner}",
        owner,
        origin,
        f"x.{origin}",
        f"Mail.X.{origin.upper()}",
        "mail.example.org.",
        f"x{origin}",
        "relative",
    ]


def _assert_renamed_as_by_name(name: str, zone: Zone, records: Iterable[int]) -> int:
    """Each record's owner renamed by its text where plain, as dnspython's
    names rename it; how many were renamed by text."""
    tree = zone.tree
    table = zone.table
    by_text = 0
    for i in records:
        if not editable(zone, i) or record_repeats_owner(zone, i):
            continue
        word = fields_between(tree.text, *tree.span(table.entry[i]))[0].text
        for new in _new_owners(zone, i):
            written = _renamed_as_text(zone, i, word, new)
            if written is None:
                continue
            try:
                new_name = dns.name.from_text(new)
            except dns.exception.DNSException:
                continue  # no name (a label or the whole too long)
            by_text += 1
            expected = _renamed(
                word, zone.records.owner(i), new_name, zone.records.origin(i)
            )
            assert written == expected, (name, i, new)
        moved = _dmarc_name(zone.index.owner_key(i))
        if moved is not None:
            owner = zone.records.owner(i)
            assert dns.name.from_text(moved) == dns.name.Name(
                (b"_dmarc", *owner.labels)
            )
    return by_text


def test_owners_renamed_by_text_are_those_renamed_by_name(
    read_zones: list[tuple[str, Zone]],
) -> None:
    """ZF404's fix names _dmarc under the owner as text, and BIND writes a
    new owner from the texts where the names are plain: what dnspython's
    names give, for every record (a few hundred a zone) of every fixture,
    corpus and real zone, and new owners below it, its origin or elsewhere,
    in any case."""
    by_text = 0
    for name, zone in read_zones:
        by_text += _assert_renamed_as_by_name(
            name, zone, range(min(300, len(zone.table)))
        )
    assert by_text > 10_000


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        [
            "@",
            "a",
            "A.b",
            "x.example.net.",
            "Example.NET.",
            "a\\.b",
            "*",
            "_dmarc",
            "xn--a",
            # Under net.: _dmarc fits in 255 bytes, and does not.
            _LONG_OWNER + "b" * 56,
            _LONG_OWNER + "b" * 57,
        ]
    ),
    st.sampled_from(
        ["example.net.", "Example.Net.", "a.example.net.", "net.", "x\\.y.net."]
    ),
    st.sampled_from(["TXT", "A"]),
)
def test_owners_of_any_shape_are_renamed_by_text_as_by_name(
    owner: str, origin: str, rdtype: str
) -> None:
    rdata = '"v=DMARC1; p=none"' if rdtype == "TXT" else "192.0.2.1"
    text = f"$ORIGIN {origin}\n{owner} 300 IN {rdtype} {rdata}\n"
    try:
        zone = zonefix.parse_text(text, origin="net.")
    except Exception:
        return
    _assert_renamed_as_by_name(text, zone, range(len(zone.table)))


def test_the_benchmark_zone_is_linted_without_dnspython(tmp_path: Path) -> None:
    """A zone of gen_zone.py's shape (the benchmark's: DMARC records at a
    host's name, DKIM keys, mail domains of several providers) is linted,
    ZF404's fixes worked out, without importing dnspython (issue 11)."""
    generator = ROOT.parent / "shared" / "bench" / "gen_zone.py"
    if not generator.is_file():
        pytest.skip("../shared/bench is not present")
    made = subprocess.run(
        [sys.executable, str(generator), "3000"],
        capture_output=True,
        text=True,
        check=True,
    )
    (tmp_path / "db.example.net").write_text(made.stdout)
    script = (
        "import sys\n"
        "from zonefix.cli import main\n"
        "status = main(['db.example.net'])\n"
        "print(sorted(m for m in sys.modules if m == 'dns' or m.startswith('dns.')),"
        " file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.stderr.endswith("[]\n"), done.stderr[-500:]
    assert " ZF404 " in done.stdout
    assert " ZF405 " in done.stdout


def _holders_of_each_profile(view: MailView, host: str, domain: str) -> list[Profile]:
    """The profiles whose MX sets name *host* at *domain*, else those whose
    family's host patterns match it longest, each profile asked alone."""
    profiles = list(view.profiles.values())
    named = [p for p in profiles if p.set_of(host, domain) is not None]
    if named:
        return named
    best = max((p.family_match(host) for p in profiles), default=0)
    return [p for p in profiles if best and p.family_match(host) == best]


_HOLDER_DOMAINS = ["example.net.", "x.", "m6.example.net.", "example.org."]


def _test_profiles() -> tuple[Profile, ...]:
    """Profiles where a host's holders at a domain its set names by
    {domain-dashes} differ from those elsewhere (a family pattern of
    another, longer, names it), a host two sets name, and one a set names
    as written and another by the domain's dashes."""
    base = {"name": "T", "kind": "mailbox", "checked": "2026-01-01", "source": "x"}
    dash = {
        "id": "t-dash",
        "family": "t-dash",
        "mx-sets": [[[0, "{domain-dashes}.mx.t.example"], [10, "both.mx.t.example"]]],
        "family-hosts": ["*.mx.t.example"],
    }
    wide = {
        "id": "t-wide",
        "family": "t-wide",
        "mx-sets": [[[0, "both.mx.t.example"]]],
        "family-hosts": ["*-net.mx.t.example"],
    }
    # A host one profile's set names as written and another's by the
    # domain's dashes, at that domain.
    plain = {
        "id": "t-plain",
        "family": "t-plain",
        "mx-sets": [[[0, "example-net.mx.t.example"]]],
        "family-hosts": ["example-net.mx.t.example"],
    }
    return tuple(
        profile_from_mapping({**base, **raw}, "test") for raw in (dash, wide, plain)
    )


_TEST_HOSTS = [
    "example-net.mx.t.example",
    "m6-example-net.mx.t.example",
    "both.mx.t.example",
    "other.mx.t.example",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_profile_hosts() + _TEST_HOSTS),
            st.sampled_from(_HOLDER_DOMAINS),
        ),
        min_size=1,
        max_size=8,
    )
)
@example(
    [("example-net.mx.t.example", "x."), ("example-net.mx.t.example", "example.net.")]
)
def test_holders_asked_in_any_order_are_each_profiles_answer(
    asked: list[tuple[str, str]],
) -> None:
    """A host's holders, kept by host or worked out per domain where a
    profile's pattern names the domain ({domain-dashes}), asked at several
    domains one after another of one view: each profile's own answer."""
    zone = zonefix.parse_text("@ 300 IN A 192.0.2.1\n", origin="x.")
    view = MailView(zone, MailSettings(profiles=_test_profiles()))
    for host, domain in asked + asked[::-1]:
        assert view.holders(host, domain) == _holders_of_each_profile(
            view, host, domain
        ), (host, domain)


def test_holders_of_every_zones_hosts_are_each_profiles_answer(
    read_zones: list[tuple[str, Zone]],
) -> None:
    for name, zone in read_zones:
        view = _mail_view(zone)
        for domain in view.domains:
            for mx in domain.mx:
                for at in (domain.name, "example.net."):
                    assert view.holders(mx.host, at) == _holders_of_each_profile(
                        view, mx.host, at
                    ), (name, mx.host, at)


def test_mx_preferences_read_from_the_text_are_the_fields(
    read_zones: list[tuple[str, Zone]],
) -> None:
    """Each MX record's preference as the mail view reads it from its line:
    its first rdata field."""
    for name, zone in read_zones:
        records = zone.index.of_type(rrtypes.MX)
        words = mx_preference_words(zone, records)
        assert words == [zone.index.rdata_words(i)[0] for i in records], name


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["@", "a", "", "a.example.net.", "a\x0bb", "a\\ b"]),
    st.sampled_from([" ", "\t", " ( ", " (\n ", " (;c\n ", "\x0b", " \\010 "]),
    st.sampled_from(["10", "010", "0", '"10"', "1\\0"]),
    st.sampled_from([" ", "\t", "\n ", " ;c\n "]),
    st.sampled_from(["mail", "mx.example.org.", "x\\ y", "é.example.org."]),
    st.sampled_from(["", " )", " ; c", " ;c\n; more", " ) ; c", ")"]),
)
@example("@", " ( ", "10", " ", "mail", " )")
@example("@", " ", "10", " ", "mail", " ;c\n; more")
@example("a\x0bb", " ", "10", " ", "mail", "")
def test_mx_lines_of_any_shape_have_their_fields_preference(
    owner: str, before: str, preference: str, between: str, host: str, after: str
) -> None:
    text = f"$ORIGIN example.net.\n@ 300 IN SOA ns h 1 2 3 4 5\n{owner} 300 IN MX"
    text += f"{before}{preference}{between}{host}{after}\n"
    try:
        zone = zonefix.parse_text(text)
    except Exception:
        return
    records = zone.index.of_type(rrtypes.MX)
    words = mx_preference_words(zone, records)
    assert words == [zone.index.rdata_words(i)[0] for i in records], text


def test_usual_dkim_keys_have_the_problems_their_tags_give(
    read_zones: list[tuple[str, Zone]],
) -> None:
    """A key record of the usual shape (v=DKIM1; k=...; p=...) is judged by
    its key alone: the problems parsing its tags gives, for every TXT
    record below a _domainkey label of every fixture, corpus and real
    zone."""
    usual = 0
    for name, zone in read_zones:
        view = _mail_view(zone)
        for i, _ in view.domainkey_records:
            value = view.txt_value(i)
            usual += value.startswith("v=DKIM1; k=")
            assert dkim_problems(value) == parsed_problems(value), (name, i)
    assert usual > 10


# An RSA key of 1024 bits (SubjectPublicKeyInfo), of 512, and an ed25519 key.
_DKIM_KEYS = [
    KEY_1024,
    "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBALnVBEGZVWCwBjfrjVuJYvqvO2VtIJdu+2rf2"
    "bWFe4pGHDVLwPvF4lRT1VJ8iyY8y2d1BmyX6bvg6d4X7Tq9QHECAwEAAQ==",
    "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
    "",
    "abc",
    "AAAA",
    "MIIB",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        ["v=DKIM1; ", "v=DKIM1;", "V=DKIM1; ", " v=DKIM1; ", "", "v=DKIM2; "]
    ),
    st.sampled_from(["k=rsa; ", "k=ed25519; ", "k=RSA; ", "k=dsa; ", "", "k=rsa;"]),
    st.sampled_from(["p=", "p= ", "h=sha1; p="]),
    st.sampled_from(_DKIM_KEYS),
    st.sampled_from(["", ";", " ", "=", "; t=y", "\n", "; p=AAAA", "\u00e9"]),
)
@example("v=DKIM1; ", "k=dsa; ", "p=", "AAAA", "")
@example("v=DKIM1; ", "k=rsa; ", "p=", "AAAA", "\u00e9")  # a2b_base64's ValueError
@example("v=DKIM1; ", "k=rsa; ", "p=", KEY_1024, "=")
@example(
    "v=DKIM1; ", "k=rsa; ", "p=", "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", "="
)
def test_dkim_keys_of_any_shape_have_the_problems_their_tags_give(
    version: str, key_type: str, key_tag: str, key: str, after: str
) -> None:
    text = f"{version}{key_type}{key_tag}{key}{after}"
    assert dkim_problems(text) == parsed_problems(text), text


def each_hash_alone(index: ZoneIndex, indices: Iterable[int]) -> dict[str, list[int]]:
    """at_owners_of, the plain way: each owner hash's records looked for
    in its bucket alone."""
    hashes = index.owner_hashes
    found = chain.from_iterable(
        map(index.with_owner_hash, {hashes[i] for i in indices})
    )
    return index.groups(found)


def each_name_alone(index: ZoneIndex, keys: Iterable[str]) -> dict[str, list[int]]:
    """records_at, the plain way: each key's records looked for in its
    hash's bucket alone, every owner read."""
    return {
        key: [i for i in index.with_owner_hash(hash(key)) if index.owner_key(i) == key]
        for key in set(keys)
    }


def test_records_at_owners_taken_from_the_buckets_at_once(
    read_zones: list[tuple[str, Zone]],
) -> None:
    """at_owners_of (the mail view's MX owners' records), taking the
    records of all the hashes from the owner-hash buckets at once, gives
    each hash's records found alone, for the records of each type of every
    fixture, corpus and real zone, and for all of its records."""
    for name, zone in read_zones:
        index = zone.index
        table = zone.table
        for rdtype in sorted(set(table.rdtype)):
            records = index.of_type(rdtype)
            assert index.at_owners_of(records) == each_hash_alone(index, records), (
                name,
                rdtype,
            )
        everything = range(len(table))
        assert index.at_owners_of(everything) == each_hash_alone(index, everything)


def test_records_at_names_taken_from_the_buckets_at_once(
    read_zones: list[tuple[str, Zone]],
) -> None:
    """records_at (ZF205's hosts and their wildcards, every rule's targets),
    taking the records of all the keys from the buckets at once, gives
    each key's records found alone, for every owner, target and the names
    above and beside them (no records, other cases) of every fixture,
    corpus and real zone, kept or not."""
    for name, zone in read_zones:
        index = zone.index
        keys = {index.owner_key(i) for i in range(len(zone.table))}
        keys |= {key for _, key in index.targets_of(rrtypes.MX, rrtypes.CNAME) if key}
        keys |= set(index.wildcard_keys(list(keys)))
        keys |= {f"x.{key}" for key in list(keys)[:50]} | {"", ".", "Upper."}
        expected = {k: tuple(v) for k, v in each_name_alone(index, keys).items()}
        got = index.records_at(keys, keep=False)
        assert {k: tuple(v) for k, v in got.items()} == expected, name
        kept = index.records_at(keys)
        assert {k: tuple(v) for k, v in kept.items()} == expected, name


def test_entries_read_a_few_at_a_time_give_what_all_at_once_give(
    read_zones: list[tuple[str, Zone]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mail view reads its TXT and MX entries, and the index's owner
    buckets are looked through, a few thousand at a time: in pieces of
    three (and buckets two at a time), the mail domains, the TXT pass and
    the records found are those read at once."""
    at_once = {name: _mail_view(zone).domains for name, zone in read_zones}
    monkeypatch.setattr(domains_module, "_AT_ONCE", 3)  # MX preferences
    monkeypatch.setattr(mail_texts_module, "_AT_ONCE", 3)  # TXT entries
    monkeypatch.setattr(index_module, "_BUCKETS_AT_ONCE", 2)
    for name, zone in read_zones:
        assert _mail_view(zone).domains == at_once[name], name
        _assert_txt_pass(name, zone)
        index = zone.index
        records = index.of_type(rrtypes.MX)
        assert index.at_owners_of(records) == each_hash_alone(index, records)
        keys = {index.owner_key(i) for i in records} | {"x.", "*.x."}
        got = index.records_at(keys, keep=False)
        assert {k: list(v) for k, v in got.items()} == each_name_alone(index, keys)


def _two_label_profile() -> Profile:
    """A profile whose MX set names a host of two labels: its tail_labels
    are the host itself."""
    return profile_from_mapping(
        {
            "id": "t-short",
            "family": "t-short",
            "name": "T",
            "kind": "mailbox",
            "checked": "2026-01-01",
            "source": "x",
            "mx-sets": [[[0, "mx.example"]]],
            "family-hosts": ["*.mx.example"],
        },
        "test",
    )


def _hosts_near_tails() -> list[str]:
    """Hosts at, under, and beside (one character more, no dot) the last
    two labels a profile's patterns may name, and the profiles' hosts."""
    view = MailView(
        zonefix.parse_text("@ 300 IN A 192.0.2.1\n", origin="x."),
        MailSettings(profiles=(*_test_profiles(), _two_label_profile())),
    )
    tails = sorted(view._tails or ())
    near = [h for t in tails for h in (t, f"a.{t}", f"a{t}", f"a.b.{t}", t[1:])]
    return [*near, *_profile_hosts(), *_TEST_HOSTS, "mx.example", "a.mx.example"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_hosts_near_tails()), min_size=1, max_size=6),
    st.sampled_from(_HOLDER_DOMAINS),
)
@example(["mx.example", "mail.example.net"], "example.net.")
def test_holders_of_several_hosts_are_each_hosts_holders(
    hosts: list[str], domain: str
) -> None:
    """_holders_of (a host no pattern may end with told by its text) gives
    what each profile alone says of each host, on a view that has kept
    nothing yet and on one that has."""
    zone = zonefix.parse_text("@ 300 IN A 192.0.2.1\n", origin="x.")
    profiles = (*_test_profiles(), _two_label_profile())
    view = MailView(zone, MailSettings(profiles=profiles))
    for _ in range(2):
        expected = [_holders_of_each_profile(view, h, domain) for h in hosts]
        assert view._holders_of(hosts, domain) == expected, (hosts, domain)


def test_holders_of_every_zones_domains_are_each_hosts_holders(
    read_zones: list[tuple[str, Zone]],
) -> None:
    for name, zone in read_zones:
        view = _mail_view(zone)
        for domain in view.domains:
            hosts = [mx.host for mx in domain.mx]
            fresh = _mail_view(zone)
            assert fresh._holders_of(hosts, domain.name) == [
                _holders_of_each_profile(view, h, domain.name) for h in hosts
            ], (name, domain.name)


def test_findings_placed_at_once_are_each_placed_alone(
    read_zones: list[tuple[str, Zone]],
) -> None:
    """Zone.findings_at_records gives, for every record of every fixture,
    corpus and real zone (the last entry of a file, a record of an included
    file or made by $GENERATE) and for none, what finding_at_record gives
    alone, each with its code, message and fix."""
    codes = [MIXED_MAIL_PROVIDERS, DKIM_SYNTAX]
    fix = Fix("a fix", Applicability.UNSAFE, ())
    for name, zone in read_zones:
        indices: list[int | None] = [*range(len(zone.table)), None]
        picked = [codes[n % 2] for n in range(len(indices))]
        messages = [f"finding {n}" for n in range(len(indices))]
        fixes = [fix if n % 3 else None for n in range(len(indices))]
        expected = [
            zone.finding_at_record(*found)
            for found in zip(picked, messages, indices, fixes, strict=True)
        ]
        found = zip(picked, messages, indices, fixes, strict=True)
        assert list(zone.findings_at_records(found)) == expected, name


def _uncovered_each(
    domains: list[MailDomain], apex: str, have: set[str]
) -> dict[str, list[MailDomain]]:
    """dmarc.uncovered, each domain's organisational domain read and its
    names walked up to it one at a time."""
    groups: dict[str, list[MailDomain]] = {}
    orgs = dmarc_rules._OrgDomains(apex)
    for domain in domains:
        if not domain.mx or domain.name in have:
            continue
        org, inside = orgs.of(domain.name)
        if inside and not dmarc_rules._covered(domain.name, org, have):
            groups.setdefault(org, []).append(domain)
    return groups


def test_uncovered_mail_domains_of_every_zone_are_those_walked_each(
    read_zones: list[tuple[str, Zone]],
) -> None:
    """ZF401 passes the mail domains a record at the common organisational
    domain covers at once: for every fixture, corpus and real zone, with
    its DMARC records, none, and one at its apex or organisational domain
    added, the domains left and their groups are those each domain's walk
    gives."""
    from zonefix.tlds import common_organisational_domain

    for name, zone in read_zones:
        if zone.origin_text is None:
            continue
        view = _mail_view(zone)
        apex = zone.index.apex_key
        have = {o[len("_dmarc.") :] or "." for _, o, _ in view.dmarc_records}
        common = common_organisational_domain(apex)
        for names in (have, set(), have | {apex}, have | {common or apex}):
            expected = _uncovered_each(view.domains, apex, names)
            assert dmarc_rules.uncovered(view.domains, apex, names) == expected, name


_LABELS = st.sampled_from(["a", "B", "xn--p1ai", "a\\.b", "_x", "*", "mail"])


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        ["example.net.", "lab.example.net.", "co.uk.", "ck.", ".", "xn--p1ai.example."]
    ),
    st.lists(st.tuples(st.lists(_LABELS, max_size=3), st.booleans()), max_size=6),
    st.lists(st.integers(0, 4), max_size=4),
    st.sampled_from(["", "other.org.", "x..example.net."]),
)
@example("example.net.", [(["a"], True), (["a\\.b"], True)], [0], "")
@example("lab.example.net.", [(["a"], True)], [0], "")
@example("example.net.", [(["xn--p1ai"], True), ([], True)], [0], "")
@example("xn--p1ai.example.", [(["a"], True)], [1], "")  # IDNA in the apex
def test_uncovered_mail_domains_of_any_names_are_those_walked_each(
    apex: str, written: list[tuple[list[str], bool]], tops: list[int], odd: str
) -> None:
    """Mail domains below, at and outside apexes of several kinds (a zone
    below its organisational domain, a public suffix, the root), with
    escaped dots, IDNA labels and no MX, DMARC records at names above
    them: the domains left and their groups are those each domain's walk
    gives."""
    keys = [
        ".".join([*labels, apex.rstrip(".")]).lower().rstrip(".") + "."
        for labels, _ in written
    ]
    if odd:
        keys.append(odd)
    domains = [
        MailDomain(
            key,
            (MxRecord(0, 10, "mx.example.org"),)
            if at >= len(written) or written[at][1]
            else (),
            (),
            (at,),
            None,
            False,
            (),
            (),
            (),
            key == apex,
        )
        for at, key in enumerate(keys)
    ]
    have = set()
    for key, top in zip(keys, tops, strict=False):
        labels = key.rstrip(".").split(".")
        have.add(".".join(labels[top:]) + "." if top < len(labels) else ".")
    expected = _uncovered_each(domains, apex, have)
    assert dmarc_rules.uncovered(domains, apex, have) == expected, (keys, have)


def _der(tag: int, body: bytes, long_form: int = 0) -> bytes:
    """A DER element: its length in the short form where it fits, else
    (or where *long_form* asks) in as many bytes as it needs, at least
    *long_form*, 0x80 + their count first."""
    size = len(body)
    if long_form == 0 and size < 0x80:
        return bytes([tag, size]) + body
    count = max(long_form, (size.bit_length() + 7) // 8, 1)
    return bytes([tag, 0x80 | count]) + size.to_bytes(count, "big") + body


@settings(max_examples=400, deadline=None)
@given(
    st.integers(min_value=1, max_value=600),
    st.sampled_from([0, 1, 2]),
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=40), st.integers(0, 255)),
        max_size=3,
    ),
    st.integers(min_value=0, max_value=700),
    st.sampled_from([b"", b"\0", b"\0\0\x80"]),
)
@example(256, 2, [], 700, b"\0")  # 2048 bits, every length in two bytes
@example(256, 2, [(23, 1)], 700, b"\0")  # unused bits said: the way below
@example(256, 2, [(31, 0x80)], 700, b"\0")  # the modulus's length short
@example(256, 2, [], 280, b"\0")  # cut inside the modulus
# The BIT STRING (and the SEQUENCE in it) a byte short of the modulus.
@example(256, 2, [(21, 0x01), (22, 0x09), (26, 0x01), (27, 0x00)], 700, b"\0")
def test_usual_rsa_keys_have_the_size_their_parsing_gives(
    size: int,
    long_form: int,
    changes: list[tuple[int, int]],
    cut: int,
    lead: bytes,
) -> None:
    """rsa_key_bits reads the usual SubjectPublicKeyInfo by one match of
    its headers: the size parsing it element by element gives, for keys of
    any size, lengths in any form, bytes changed and the key cut short."""
    modulus = lead + bytes([0x80 | size % 0x80]) + (bytes(range(256)) * 3)[: size - 1]
    rsa = _der(0x30, _der(0x02, modulus, long_form) + _der(0x02, b"\1\0\1"), long_form)
    algorithm = bytes.fromhex("300d06092a864886f70d0101010500")
    spki = bytearray(
        _der(0x30, algorithm + _der(0x03, b"\0" + rsa, long_form), long_form)
    )
    for at, byte in changes:
        if at < len(spki):
            spki[at] = byte
    key = bytes(spki[:cut])
    assert rsa_key_bits(key) == parsed_rsa_key_bits(key), key.hex()


_OWNER_PARTS = st.sampled_from(
    ["a", "_x", "sel", ".", "_domainkey", "._domainkey.", "example.net.", "_", "b."]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_OWNER_PARTS, min_size=1, max_size=6), max_size=4))
@example([["s", "._domainkey.", "x."], ["_adsp", "._domainkey.", "x."]])
@example([["s", "._domainkey.", "x."], ["a._b", "._domainkey.", "x."]])
def test_key_records_told_at_once_are_those_of_key_names(
    owners: list[list[str]],
) -> None:
    """ZF405 tells its key records (every owner below a _domainkey label
    a key name) at once: those is_key_name keeps, owner by owner."""
    records = [
        (n, owner)
        for n, owner in enumerate("".join(parts) for parts in owners)
        if "._domainkey." in owner
    ]
    expected = [(i, owner) for i, owner in records if dmarc_rules.is_key_name(owner)]
    assert dmarc_rules.key_records(records) == expected, records
