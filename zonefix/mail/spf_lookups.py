"""SPF lookup totals across a zone (RFC 7208 §4.6.4).

A receiver evaluating an SPF record may make at most 10 DNS-querying terms
(``include``, ``a``, ``mx``, ``ptr``, ``exists``, ``redirect``), counting
those of every record it reaches through ``include`` and ``redirect``. Where
such a target has its SPF record in the same zone, its terms are counted,
recursively; where a provider profile knows the target, its known count;
otherwise it counts as the one lookup of the term itself. An include or
redirect chain that comes back to a name it passed is a loop: evaluation
never ends before the limit, a permerror.

Counting is linear in the zone's SPF terms: each name is counted once (a
depth-first walk without recursion, so a long chain cannot overflow the
stack), and totals are capped, since past the limit only "over" matters.
"""

from __future__ import annotations

from collections.abc import Callable

from zonefix.mail.spf import LOOKUP_TERMS, SpfRecord, Term
from zonefix.plain import Plain

LOOKUP_LIMIT = 10
#: Totals are capped here: a diamond of includes doubles per level.
_CAP = 999


class Edge(Plain):
    """An ``include`` or ``redirect`` whose target's SPF is in the zone."""

    _fields = ("term", "target")
    __slots__ = _fields
    term: Term
    target: str

    def __init__(self, term: Term, target: str) -> None:
        self.term = term
        self.target = target


class Lookups(Plain):
    """What evaluating one name's SPF record costs."""

    _fields = ("total", "edges", "unknown", "loop", "over")
    __slots__ = _fields
    #: Lookups in all, nested ones included (capped at 999).
    total: int
    #: Includes and redirects followed to records in this zone.
    edges: tuple[Edge, ...]
    #: Includes and redirects zonefix knows nothing below: one each.
    unknown: int
    #: The names of the loop this name is on or leads into, in the order
    #: they follow one another; () when there is none.
    loop: tuple[str, ...]
    #: Over the limit, and not only through in-zone targets that are over
    #: it themselves (where the target is the one to report).
    over: bool

    def __init__(
        self,
        total: int,
        edges: tuple[Edge, ...],
        unknown: int,
        loop: tuple[str, ...] = (),
        over: bool = False,
    ) -> None:
        self.total = total
        self.edges = edges
        self.unknown = unknown
        self.loop = loop
        self.over = over


def target_key(term: Term) -> str | None:
    """The owner key an ``include``/``redirect`` names; None for a macro."""
    value = term.value or ""
    if not value or "%" in value:
        return None
    return value.lower().rstrip(".") + "."


def followed_terms(record: SpfRecord) -> list[Term]:
    """The record's terms that cost a lookup: ``redirect=`` only where there
    is no ``all`` (RFC 7208 §6.1: it is ignored then)."""
    terms = record.effective()
    has_all = any(t.name == "all" and not t.modifier for t in terms)
    return [
        t
        for t in terms
        if t.name in LOOKUP_TERMS
        and t.modifier == (t.name == "redirect")
        and not (t.name == "redirect" and has_all)
    ]


def count_lookups(
    records: dict[str, SpfRecord], nested: Callable[[str], int | None]
) -> dict[str, Lookups]:
    """The lookups of every name in *records* (owner key -> the record
    receivers read there); *nested* tells what provider profiles know of an
    include outside the zone (asked only for such includes, so a zone
    without them reads no profile)."""
    own: dict[str, int] = {}
    unknown: dict[str, int] = {}
    edges: dict[str, tuple[Edge, ...]] = {}
    for name, record in records.items():
        count = 0
        unknowns = 0
        found: list[Edge] = []
        for term in followed_terms(record):
            count += 1
            if term.name not in ("include", "redirect"):
                continue
            key = target_key(term)
            if key is not None and key in records:
                found.append(Edge(term, key))
                continue
            below = nested(key.rstrip(".")) if key is not None else None
            if below is None:
                unknowns += 1
            else:
                count += below
        own[name] = count
        unknown[name] = unknowns
        edges[name] = tuple(found)

    result: dict[str, Lookups] = {}
    #: The loop each name on one is part of.
    on_loop: dict[str, tuple[str, ...]] = {}
    state: dict[str, int] = {}  # 1: on the walk's path, 2: counted
    for root in records:
        if root in state:
            continue
        path = [root]
        stack = [(root, iter(edges[root]))]
        state[root] = 1
        while stack:
            name, pending = stack[-1]
            descended = False
            for edge in pending:
                seen = state.get(edge.target)
                if seen is None:
                    state[edge.target] = 1
                    path.append(edge.target)
                    stack.append((edge.target, iter(edges[edge.target])))
                    descended = True
                    break
                if seen == 1:
                    loop = tuple(path[path.index(edge.target) :])
                    for member in loop:
                        on_loop.setdefault(member, loop)
            if descended:
                continue
            stack.pop()
            path.pop()
            state[name] = 2
            total = local = own[name]
            loop = on_loop.get(name, ())
            for edge in edges[name]:
                target = result.get(edge.target)
                if target is None:  # on the path: a loop, counted there
                    continue
                total += target.total
                local += 0 if target.over else target.total
                loop = loop or target.loop
            total = min(total, _CAP)
            over = not loop and total > LOOKUP_LIMIT and local > LOOKUP_LIMIT
            result[name] = Lookups(total, edges[name], unknown[name], loop, over)
    return result
