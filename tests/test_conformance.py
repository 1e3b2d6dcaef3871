"""Conformance against ../shared/corpus: other DNS projects' test zones.

ORACLE.tsv gives each zone file BIND's (named-checkzone) and Knot's
(kzonecheck) verdict. zonefix must accept what both accept, reject what both
reject for a syntax- or record-level reason, and read the same records as
dnspython wherever dnspython loads the file. Every file that does not meet
that is listed below with the reason; a listed file that starts to conform
fails the test too, so the lists only ever shrink.
"""

from __future__ import annotations

import pytest

import zonefix
from tests.conftest import (
    CorpusZone,
    corpus_zones,
    needs_corpus,
    rrsets_of_dnspython,
    rrsets_of_zone,
)

# Codes that say "this file cannot be loaded as written": the ZF0 family,
# and ZF112, which SPEC §3 puts before ZF002 for a string over 255 bytes.
ZF0 = {"ZF001", "ZF002", "ZF003", "ZF004", "ZF005", "ZF112"}

_ZONE_LEVEL = (
    "both oracles reject it only as a zone ({}); that is a zone-structure "
    "finding of the ZF1 rules, not a syntax or rdata error"
)
_KNOT_ONLY = (
    "BIND's only complaint is zone-level ({}); Knot's is {}, which BIND and "
    "zonefix accept"
)

# Both oracles reject these at level=syntax or level=record, yet zonefix
# reads them without a ZF0 finding.
NOT_REJECTED = {
    "knot/libzscanner/00-3_general.in": _ZONE_LEVEL.format("no SOA"),
    "knot/libzscanner/00-4_general.in": _ZONE_LEVEL.format("an empty file: no SOA"),
    "knot/libzscanner/06-5_INCLUDE.in": _ZONE_LEVEL.format("an empty include: no SOA"),
    "bind9/dns-master/testdata/master/master4.data": _ZONE_LEVEL.format("no apex NS"),
    "bind9/dns-master/testdata/master/master10.data": _ZONE_LEVEL.format("no SOA"),
    "bind9/dns-master/testdata/master/master11.data": _ZONE_LEVEL.format("no apex NS"),
    "bind9/dns-master/testdata/master/master17.data": _ZONE_LEVEL.format("no glue"),
    "nsd/soa_test/soa_test.zone1": _ZONE_LEVEL.format("no apex NS"),
    "nsd/soa_test/soa_test.zone2": _ZONE_LEVEL.format("no apex NS"),
    "nsd/soa_test/soa_test.zone3": _ZONE_LEVEL.format("no apex NS"),
    "nsd/soa_test/soa_test.zone4": _ZONE_LEVEL.format("no apex NS"),
    "nsd/soa_test/soa_test.zone5": _ZONE_LEVEL.format("no apex NS"),
    "nsd/bug087_parse_at/bug087_parse_at.zone": _ZONE_LEVEL.format("no apex NS"),
    "nsd/bug128_backslash_eos/bug128_backslash_eos.zone": _ZONE_LEVEL.format(
        "no apex NS"
    ),
    "nsd/bug098_mnemonic_rrsig/bug098_mnemonic_rrsig.zone": _ZONE_LEVEL.format(
        "no glue"
    ),
    "ldns/10-compare-zones/zone1": _ZONE_LEVEL.format("no apex NS"),
    "ldns/10-compare-zones/zone2": _ZONE_LEVEL.format("no apex NS"),
    "ldns/14-read-zone/14-read-zone.db": _ZONE_LEVEL.format("CNAME and other data"),
    "ldns/26-loc-centimetre/26-loc-centimetre.db": _ZONE_LEVEL.format("no SOA"),
    "ldns/27-tab-between-cstrings/27-tab-between-cstrings.db": _ZONE_LEVEL.format(
        "no SOA"
    ),
    "ldns/28-tab-instead-of-space/28-tab-instead-of-space.db": _ZONE_LEVEL.format(
        "no SOA"
    ),
    "domain/zonefiles/rfc_1035_class_ttl_type_rdata.zone": _ZONE_LEVEL.format(
        "no apex NS"
    ),
    "domain/zonefiles/rfc_1035_ttl_class_type_rdata.zone": _ZONE_LEVEL.format(
        "no apex NS"
    ),
    "domain/zonefiles/strlen.zone": _ZONE_LEVEL.format("no SOA"),
    "domain/zonefiles/unknown.zone": _ZONE_LEVEL.format("no SOA"),
    "simdzone/xbounds.zone": _ZONE_LEVEL.format("the SOA is not at the apex"),
    "octodns-bind/ext.unit.tests.extension": _ZONE_LEVEL.format("no glue"),
    "knot/libzscanner/00-2_general.in": _KNOT_ONLY.format(
        "no SOA", "CRLF line ends (SPEC §2 requires reading them)"
    ),
    "knot/libzscanner/04-1_ORIGIN.in": _KNOT_ONLY.format(
        "no SOA", "a relative $ORIGIN (RFC 1035 §5.1 reads it against the last origin)"
    ),
    "knot/libzscanner/04-2_ORIGIN.in": _KNOT_ONLY.format(
        "no SOA", "a relative $ORIGIN '%'"
    ),
    "knot/libzscanner/06-1_INCLUDE.in": _KNOT_ONLY.format(
        "no SOA", "a relative origin on $INCLUDE"
    ),
    "knot/libzscanner/06-2_INCLUDE.in": _KNOT_ONLY.format(
        "no SOA", "a relative origin '%' on $INCLUDE"
    ),
    "domain/zonefiles/escape.zone": _KNOT_ONLY.format(
        "no SOA", 'two quoted strings with no blank between them ("foo""bar")'
    ),
    "pdns/regression-tests/unit2.test": _KNOT_ONLY.format(
        "no SOA", "$GENERATE, which Knot does not implement"
    ),
    "nsd/non_b32_nsec3/non_b32_nsec3.zone": (
        "BIND's complaint is check-names on an NSEC3 owner that is not base32hex "
        "(zone content, not syntax); Knot's is a raw non-ASCII byte in an unquoted "
        "TXT string, which BIND accepts"
    ),
    "knot/libzscanner/06-8_INCLUDE.in": (
        "an $INCLUDE inside an included file: BIND looks for it from the working "
        "directory and fails; zonefix, like Knot, reads it relative to the including "
        "file (SPEC and the foundation issue ask for that), where it exists"
    ),
    "bind9/checkzone/zones/bad-nsap-empty.db": (
        "dnspython accepts an empty NSAP address ('0x'); zonefix validates rdata "
        "with dnspython"
    ),
    "bind9/checkzone/zones/bad-nsec3-length.db": (
        "dnspython accepts a next-hashed-owner whose base32hex length BIND and "
        "Knot refuse"
    ),
    "nsd/svcb/svcb.failure-cases-23": (
        "dnspython accepts an SVCB dohpath without the {?dns} variable RFC 9461 "
        "requires"
    ),
}

# Both oracles accept these, yet zonefix reports ZF001 or ZF002.
NOT_ACCEPTED = {
    "bind9/checkzone/zones/bad-svcb-servername.db": (
        "dnspython refuses 'ech=' followed by a blank and a quoted value, which "
        "BIND and Knot read as one parameter"
    ),
    "pdns/regression-tests/zonemd-scheme0.zone": (
        "dnspython refuses ZONEMD scheme 0 (reserved by RFC 8976), which BIND "
        "and Knot parse"
    ),
    "pdns/zonemd-test-cases/14-non-apex-zonemd/example.zone": (
        "dnspython refuses ZONEMD hash algorithm 0 (reserved by RFC 8976), which "
        "BIND and Knot parse"
    ),
}

# Both oracles accept these but dnspython cannot load them, so there are no
# dnspython records to compare with.
DNSPYTHON_CANNOT_LOAD = {
    **NOT_ACCEPTED,
    "nsd/zonec_tests/zonec_tests.include_zone": (
        "dnspython forgets the $TTL set inside an $INCLUDE once it returns; BIND "
        "keeps it, and so does zonefix"
    ),
}

ZONES = corpus_zones()
ACCEPTED = [z for z in ZONES if z.both_accept]
REJECTED = [z for z in ZONES if z.both_reject and z.level in ("syntax", "record")]


def _codes(zone: CorpusZone) -> set[str]:
    parsed = zonefix.parse_file(zone.path, origin=zone.origin)
    return {d.code.code for d in parsed.diagnostics}


def _check_codes(zone: CorpusZone) -> set[str]:
    parsed = zonefix.parse_file(zone.path, origin=zone.origin)
    return {d.code.code for d in zonefix.check(parsed, select=["ZF0", "ZF112"])}


@needs_corpus
@pytest.mark.parametrize("zone", ACCEPTED, ids=lambda z: z.file)
def test_what_both_oracles_accept_parses(zone: CorpusZone) -> None:
    rejected = bool(_codes(zone) & {"ZF001", "ZF002"})
    if zone.file in NOT_ACCEPTED:
        assert rejected, f"now accepted; drop it from NOT_ACCEPTED: {zone.file}"
    else:
        assert not rejected


@needs_corpus
@pytest.mark.parametrize("zone", REJECTED, ids=lambda z: z.file)
def test_what_both_oracles_reject_at_syntax_level_is_a_zf0_finding(
    zone: CorpusZone,
) -> None:
    found = bool(_check_codes(zone) & ZF0)
    if zone.file in NOT_REJECTED:
        assert not found, f"now rejected; drop it from NOT_REJECTED: {zone.file}"
    else:
        assert found


@needs_corpus
@pytest.mark.parametrize("zone", ACCEPTED, ids=lambda z: z.file)
def test_records_equal_dnspython(zone: CorpusZone) -> None:
    if zone.file in DNSPYTHON_CANNOT_LOAD:
        with pytest.raises(Exception):  # noqa: B017, PT011  (any refusal will do)
            rrsets_of_dnspython(zone.path, zone.origin)
        return
    parsed = zonefix.parse_file(zone.path, origin=zone.origin)
    assert rrsets_of_zone(parsed) == rrsets_of_dnspython(zone.path, zone.origin)


@needs_corpus
def test_the_tables_name_real_corpus_files() -> None:
    files = {z.file for z in ZONES}
    listed = set(NOT_REJECTED) | set(NOT_ACCEPTED) | set(DNSPYTHON_CANNOT_LOAD)
    assert listed <= files
    assert set(NOT_REJECTED) <= {z.file for z in REJECTED}
    assert set(NOT_ACCEPTED) <= {z.file for z in ACCEPTED}
