"""Three files of the peer corpus that once ended in "internal error" (a
_dmarc name built at the root, LOC rdata dnspython cannot pack, a _dmarc name
over 255 octets) give findings instead (issue 9)."""

from __future__ import annotations

import pytest

import zonefix
from tests.conftest import CORPUS, needs_corpus


@needs_corpus
@pytest.mark.parametrize(
    ("file", "origin"),
    [
        ("knot/libzscanner/18_MX.in", "."),
        ("knot/libzscanner/42_LOC.in", "."),
        ("knot/tests-extra/data/records.zone", "records."),
    ],
)
def test_gives_findings_not_a_crash(file: str, origin: str) -> None:
    zone = zonefix.parse_file(CORPUS / file, origin=origin)
    assert zonefix.check(zone)
