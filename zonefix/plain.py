"""Small value classes that cost little to make at start-up.

PERF (issue 11): making a ``typing.NamedTuple`` class costs some 0.65
million instructions (1.1 million when its annotations are strings, under
``from __future__ import annotations``): it compiles a ``__new__`` and checks
each field's type. A class with ``__slots__`` costs a tenth of that. The
value classes every run makes at import and never uses as tuples (unpacked,
indexed, sorted, compared with a tuple) are therefore plain classes on the
base below: compared, hashed, shown and ``_replace``-d by their fields as a
NamedTuple is.
"""

from typing import Any, ClassVar, Self


class Plain:
    """Equality, hash, repr and ``_replace`` by a subclass's ``_fields``: its
    slots, which its ``__init__`` takes by those names, in that order::

        class Client(Plain):
            _fields = ("name", "target")
            __slots__ = _fields
            name: str
            target: str

            def __init__(self, name: str, target: str) -> None:
                self.name = name
                self.target = target

    Like a NamedTuple, an instance is not changed once made. A slot after
    the fields, named with ``_``, may keep what is worked out from them on
    first use (a cache, which equality, hash and ``_replace`` ignore)."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._fields])

    def _replace(self, **changes: Any) -> Self:
        """A copy with *changes* (field name -> value), as a NamedTuple's."""
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return type(self)(**values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Plain) or type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"
