"""zonefix.plain's value classes keep their field lists in step: the slots,
``_fields`` and ``__init__``'s parameters name the same fields in the same
order (the base's equality, hash, repr and ``_replace`` read ``_fields``;
a field left out of it would be ignored by all four)."""

import importlib
import inspect
import pkgutil

import zonefix
from zonefix.plain import Plain


def _every_plain_class() -> list[type[Plain]]:
    for module in pkgutil.walk_packages(zonefix.__path__, "zonefix."):
        if module.name != "zonefix.__main__":
            importlib.import_module(module.name)
    found: list[type[Plain]] = []
    todo = list(Plain.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_plain_class_names_its_fields_alike() -> None:
    classes = _every_plain_class()
    assert len(classes) > 30  # the start-up path's value classes
    for cls in classes:
        fields = cls._fields
        assert fields, cls
        # The fields, then any cache of what they give (a private slot).
        slots: tuple[str, ...] = tuple(cls.__slots__)
        assert slots[: len(fields)] == fields, cls
        assert all(name.startswith("_") for name in slots[len(fields) :]), cls
        parameters = list(inspect.signature(cls.__init__).parameters)[1:]
        assert parameters == list(fields), cls
        hints = inspect.get_annotations(cls)
        assert set(fields) <= set(hints), (cls, set(fields) - set(hints))


def test_a_plain_value_compares_hashes_and_replaces_by_its_fields() -> None:
    from zonefix.diagnostics import Applicability, Fix

    one = Fix("delete it", Applicability.SAFE, ())
    same = Fix("delete it", Applicability.SAFE, ())
    assert one == same
    assert hash(one) == hash(same)
    assert one != one._replace(message="keep it")
    assert one._replace(scope=(1, 2)).scope == (1, 2)
    assert one != ("delete it", Applicability.SAFE, (), None, ())
    assert repr(one).startswith("Fix(message='delete it', applicability=")


def test_findings_sort_as_they_did() -> None:
    """Findings (NamedTuples whose first field is their Code) sort without
    a key, by code first, as callers of the API may sort them."""
    zone = zonefix.parse_text(
        "$ORIGIN example.net.\n$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\n"
        "ns1 A 192.0.2.1\n@ CNAME other.example.org.\nwww CNAME www\n"
    )
    findings = zonefix.check(zone)
    assert len({d.code.code for d in findings}) > 1
    assert [d.code.code for d in sorted(findings)] == sorted(
        d.code.code for d in findings
    )


def test_a_cache_slot_is_no_field() -> None:
    from zonefix.source import SourceFile

    crlf = SourceFile("db.example.net", "a\r\nb\r\n")
    assert crlf.newline == "\r\n"
    # Asked or not, the cache changes neither equality nor hash nor copies.
    fresh = SourceFile("db.example.net", "a\r\nb\r\n")
    assert crlf == fresh
    assert hash(crlf) == hash(fresh)
    assert crlf._replace(text="a\nb\n").newline == "\n"
