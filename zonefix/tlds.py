"""Is a label a delegated top-level domain?

The answer comes from the Public Suffix List's ICANN section, through the
publicsuffixlist package, which republishes the list as it changes. Loading
the list takes tens of milliseconds, so it happens only when a rule asks.
"""

from __future__ import annotations

from functools import cache


@cache
def _suffixes() -> object:
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(only_icann=True)


def is_tld(label: str) -> bool:
    """True when *label* (``net``, ``xn--p1ai``) is a top-level domain."""
    label = label.lower().rstrip(".")
    if not label or "." in label:
        return False
    psl = _suffixes()
    return psl.publicsuffix("x." + label, accept_unknown=False) is not None  # type: ignore[attr-defined]


def organisational_domain(name: str) -> str | None:
    """The organisational domain of *name* (RFC 7489 §3.2): the public
    suffix plus one label (``example.co.uk.`` for ``mail.example.co.uk.``),
    in the case and form given, with a final dot; None when *name* is itself
    a public suffix. An unknown top-level domain (a private ``.mesh``)
    counts as a public suffix."""
    text = name.rstrip(".")
    if not text:
        return None
    found = _suffixes().privatesuffix(text)  # type: ignore[attr-defined]
    return None if found is None else f"{found}."
