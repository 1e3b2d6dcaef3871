"""Owner names and rdata for the rules that compare records, built once per
zone and only when such a rule runs.

The resolver keeps records as compact arrays; rebuilding a dnspython name for
every record costs time and memory on a big zone, so names are built once per
written owner (records with a blank owner share it) and rdata only for the
records a rule asks about.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import TYPE_CHECKING

import dns.name
import dns.rdata

if TYPE_CHECKING:
    from zonefix.zone import Zone


class ZoneIndex:
    def __init__(self, zone: Zone) -> None:
        self.zone = zone
        self._owners: dict[int, dns.name.Name] = {}
        self._rdata: dict[int, dns.rdata.Rdata] = {}

    def owner(self, index: int) -> dns.name.Name:
        """The owner name of record *index*."""
        ref = self.zone.table.owner_ref[index]
        name = self._owners.get(ref)
        if name is None:
            name = self._owners[ref] = self.zone.records.owner(index)
        return name

    def rdata(self, index: int) -> dns.rdata.Rdata:
        """The rdata of record *index*."""
        rdata = self._rdata.get(index)
        if rdata is None:
            rdata = self._rdata[index] = self.zone.records[index].rdata
        return rdata

    @cached_property
    def by_owner(self) -> dict[dns.name.Name, list[int]]:
        """Record indices at each owner name, in file order."""
        groups: dict[dns.name.Name, list[int]] = defaultdict(list)
        for index in range(len(self.zone.table)):
            groups[self.owner(index)].append(index)
        return dict(groups)
