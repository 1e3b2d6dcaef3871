"""octoDNS zone files (YamlProvider), read and written back byte for byte.

An octoDNS zone is a YAML mapping of record names (relative to the zone,
``''`` for the apex) to a record, or a list of records: ``type``, ``ttl``
(optional: the provider's default, 3600), and ``value`` or ``values``; an MX
value is ``{exchange, preference}``, SRV and CAA values are mappings too,
and TXT values escape ``;`` as ``\\;`` (../shared/spec/provider-formats.md
§8). Re-dumping YAML never gives the file's bytes back, so nothing is
re-dumped: PyYAML's node marks give each value's span, and an edit is
spliced into the original text in the file's own indentation and quoting.

The rules still read records through the BIND record table, so a document
is shown to them by zonefix.formats.bridge (as every format is): one BIND
line per value, findings placed back at the value's span in the YAML file
(``place`` says which field), fixes compared record by record, giving
record edits (zonefix.document) this module lowers into YAML splices.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype

from zonefix.diagnostics import (
    INVALID_RDATA,
    SYNTAX_ERROR,
    UNKNOWN_ORIGIN,
    Code,
    Diagnostic,
    Edit,
)
from zonefix.document import (
    CannotEdit,
    Capabilities,
    DeleteRecord,
    InsertRecords,
    Limits,
    ReadSettings,
    RecordEdit,
    RenameOwner,
    ReplaceRdata,
    ReplaceTTL,
    ReplaceTxtText,
    SourceRecord,
    Span,
)
from zonefix.positions import LineIndex
from zonefix.source import NotTextError, SourceFile, decode

if TYPE_CHECKING:
    import yaml

    from zonefix.formats.bridge import Bridged, FormatFixResult
    from zonefix.rules import Rule
    from zonefix.settings import Settings

#: YamlProvider's default_ttl.
DEFAULT_TTL = 3600

CAPABILITIES = Capabilities(
    "octodns",
    has_soa_ns=False,
    ttl_per="rrset",
    comments=True,
    suppression_comments=False,
    includes=False,
    serial=False,
)

#: Types read, and the fields of a mapping value, in rdata order.
_MAPPED_FIELDS: dict[str, tuple[str, ...]] = {
    "MX": ("preference", "exchange"),
    "SRV": ("priority", "weight", "port", "target"),
    "CAA": ("flags", "tag", "value"),
    "SSHFP": ("algorithm", "fingerprint_type", "fingerprint"),
}
#: Legacy MX keys octoDNS still accepts.
_MX_LEGACY = {"priority": "preference", "value": "exchange"}
_SCALAR_TYPES = {"A", "AAAA", "CNAME", "DNAME", "NS", "PTR", "TXT", "SPF"}
_TXT_TYPES = {"TXT", "SPF"}


def sniff(name: str, head: bytes) -> bool:
    """True for a YAML file whose top level maps names to records (a
    ``type:`` key in its first few KB, and no ``kind: dns#``, gcloud's)."""
    if not name.lower().endswith((".yaml", ".yml")):
        return False
    return b"type:" in head and b"kind: dns#" not in head


def origin_of(name: str) -> dns.name.Name | None:
    """``example.net.yaml`` is the zone example.net (a real TLD at its end)."""
    from zonefix.zone import origin_from_filename

    base = re.sub(r"(?i)\.ya?ml$", "", name.replace("\\", "/").rsplit("/", 1)[-1])
    return origin_from_filename(base)


@dataclass
class _Value:
    """One value of one record body: a record, in DNS terms."""

    name: str
    name_node: yaml.ScalarNode
    owner: dns.name.Name
    body: yaml.MappingNode
    rdtype: dns.rdatatype.RdataType
    ttl: int
    ttl_node: yaml.ScalarNode | None
    values_key: yaml.ScalarNode
    values_node: yaml.Node
    node: yaml.Node
    rdata: dns.rdata.Rdata
    #: Mapping values: field name -> its scalar node.
    fields: dict[str, yaml.ScalarNode]
    #: The canonical BIND line's rdata text, and the YAML node of each of
    #: its fields (offsets in the rdata text).
    rdata_text: str
    spots: list[tuple[int, int, yaml.Node]] = field(default_factory=list)
    #: Facts of the record's ``octodns:`` settings the rules read.
    extras: dict[str, object] = field(default_factory=dict)


class OctoDnsDocument:
    """An octoDNS YAML zone file (see the module docstring)."""

    capabilities = CAPABILITIES

    def __init__(self, name: str, data: bytes, settings: ReadSettings) -> None:
        self.name = name
        self.values: list[_Value] = []
        self._diagnostics: list[Diagnostic] = []
        self._uses: dict[int, int] = {}
        #: Per name key node: what it maps to (a body, or a list of them).
        self._holders: dict[int, yaml.Node] = {}
        #: The record names' key nodes, in file order.
        self._keys: list[yaml.Node] = []
        try:
            self.source: SourceFile = decode(name, data)
        except NotTextError as error:
            self.source = SourceFile(name, "", raw=data)
            self._lines = LineIndex("")
            self._report(SYNTAX_ERROR, error.reason, 0, 0)
            self.origin = settings.origin
            return
        self._lines = LineIndex(self.text)
        self.origin = settings.origin or origin_of(name)
        self._read()

    # ------------------------------------------------------------ reading

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def records(self) -> list[SourceRecord]:
        return [
            SourceRecord(
                v.owner,
                v.ttl,
                dns.rdataclass.IN,
                v.rdtype,
                v.rdata,
                Span(self.name, *_span(v.node)),
                v.extras,
            )
            for v in self.values
        ]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return list(self._diagnostics)

    def line_index(self, file: str) -> LineIndex:
        return self._lines

    def position(self, file: str, offset: int) -> tuple[int, int]:
        return self._lines.position(offset)

    def ignored(self, file: str, start: int, end: int) -> frozenset[str] | None:
        return None  # no suppression comments in octoDNS files (yet)

    def _report(self, code: Code, message: str, start: int, end: int) -> None:
        self._diagnostics.append(
            Diagnostic(code, message, self.name, start, end, self._lines)
        )

    def _read(self) -> None:
        import yaml

        try:
            # libyaml's loader where PyYAML has it (its marks are character
            # offsets too): the pure-Python one takes seconds on 6,000 lines.
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            root = yaml.compose(self.text, Loader=loader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            at = mark.index if mark is not None else 0
            self._report(SYNTAX_ERROR, f"not valid YAML: {error.problem}", at, at)
            return
        except yaml.YAMLError as error:
            self._report(SYNTAX_ERROR, f"not valid YAML: {error}", 0, 0)
            return
        if root is None:
            return  # an empty zone
        if not isinstance(root, yaml.MappingNode) or not any(
            _records_of(body) for _, body in root.value
        ):
            self._report(
                SYNTAX_ERROR,
                "not an octoDNS zone: no record names mapped to records "
                "(a mapping with 'type', or a list of them)",
                *_span(root),
            )
            return
        self._count_uses(root)
        self._keys = [key for key, _ in root.value]
        if self.origin is None:
            self._report(
                UNKNOWN_ORIGIN,
                "the zone's name cannot be told: name the file after it "
                "(example.net.yaml) or give --origin",
                0,
                0,
            )
            return
        for key, body in root.value:
            if not isinstance(key, yaml.ScalarNode):
                self._report(SYNTAX_ERROR, "a record name must be text", *_span(key))
                continue
            records = _records_of(body)
            if not records:
                self._report(
                    SYNTAX_ERROR,
                    f"'{key.value}' holds no record (a mapping with 'type', "
                    "or a list of them)",
                    *_span(body),
                )
                continue
            owner = self._owner(key)
            if owner is None:
                continue
            self._holders[id(key)] = body
            for record in records:
                self._read_record(key, owner, record)

    def _count_uses(self, node: yaml.Node) -> None:
        """How often each node is reached: an anchored node that aliases
        repeat is written once and read many times (never edited)."""
        import yaml

        self._uses[id(node)] = self._uses.get(id(node), 0) + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                self._count_uses(key)
                self._count_uses(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self._count_uses(item)

    def _owner(self, key: yaml.ScalarNode) -> dns.name.Name | None:
        assert self.origin is not None
        if key.value == "":
            return self.origin
        try:
            return dns.name.from_text(key.value, self.origin)
        except dns.exception.DNSException as error:
            self._report(
                SYNTAX_ERROR, f"'{key.value}' is no record name: {error}", *_span(key)
            )
            return None

    def _read_record(
        self, key: yaml.ScalarNode, owner: dns.name.Name, body: yaml.MappingNode
    ) -> None:
        import yaml

        items = _items(body)
        type_node = items["type"][1]
        assert isinstance(type_node, yaml.ScalarNode)
        type_text = str(type_node.value).upper()
        ttl_node = items.get("ttl", (None, None))[1]
        ttl = DEFAULT_TTL
        if isinstance(ttl_node, yaml.ScalarNode):
            try:
                ttl = int(ttl_node.value)
            except ValueError:
                self._report(
                    SYNTAX_ERROR, f"bad TTL '{ttl_node.value}'", *_span(ttl_node)
                )
                return
        if type_text not in _SCALAR_TYPES and type_text not in _MAPPED_FIELDS:
            return  # ALIAS, URLFWD, ...: no DNS type zonefix judges
        if "values" in items:
            values_key, values_node = items["values"]
            nodes = (
                list(values_node.value)
                if isinstance(values_node, yaml.SequenceNode)
                else [values_node]
            )
        elif "value" in items:
            values_key, values_node = items["value"]
            nodes = [values_node]
        else:
            self._report(
                SYNTAX_ERROR, f"{type_text} record without value(s)", *_span(body)
            )
            return
        rdtype = dns.rdatatype.from_text(type_text)
        extras = _extras(items)
        for node in nodes:
            value = self._value(node, type_text)
            if value is None:
                continue
            rdata_text, fields, spots = value
            try:
                rdata = dns.rdata.from_text(
                    dns.rdataclass.IN, rdtype, rdata_text, self.origin, relativize=False
                )
            except (dns.exception.DNSException, ValueError) as error:
                self._report(
                    INVALID_RDATA,
                    f"{type_text} value that dnspython rejects: {error}",
                    *_span(node),
                )
                continue
            assert isinstance(values_key, yaml.ScalarNode)
            self.values.append(
                _Value(
                    key.value,
                    key,
                    owner,
                    body,
                    rdtype,
                    ttl,
                    ttl_node if isinstance(ttl_node, yaml.ScalarNode) else None,
                    values_key,
                    values_node,
                    node,
                    rdata,
                    fields,
                    rdata_text,
                    spots,
                    extras,
                )
            )

    def _value(
        self, node: yaml.Node, type_text: str
    ) -> (
        tuple[str, dict[str, yaml.ScalarNode], list[tuple[int, int, yaml.Node]]] | None
    ):
        """The BIND rdata text of one value, its fields' nodes, and where
        each field stands in that text."""
        import yaml

        if type_text in _MAPPED_FIELDS:
            if not isinstance(node, yaml.MappingNode):
                self._report(
                    SYNTAX_ERROR, f"a {type_text} value is a mapping", *_span(node)
                )
                return None
            fields: dict[str, yaml.ScalarNode] = {}
            for k, v in node.value:
                name = str(k.value)
                if type_text == "MX":
                    name = _MX_LEGACY.get(name, name)
                if isinstance(v, yaml.ScalarNode):
                    fields[name] = v
            wanted = _MAPPED_FIELDS[type_text]
            missing = [w for w in wanted if w not in fields]
            if missing:
                self._report(
                    SYNTAX_ERROR,
                    f"{type_text} value without {', '.join(missing)}",
                    *_span(node),
                )
                return None
            words: list[str] = []
            spots: list[tuple[int, int, yaml.Node]] = []
            at = 0
            for w in wanted:
                word = str(fields[w].value)
                if type_text == "CAA" and w == "value":
                    word = _quoted(word)
                spots.append((at, at + len(word), fields[w]))
                words.append(word)
                at += len(word) + 1
            return " ".join(words), fields, spots
        if not isinstance(node, yaml.ScalarNode):
            self._report(SYNTAX_ERROR, f"a {type_text} value is text", *_span(node))
            return None
        text = str(node.value)
        if type_text in _TXT_TYPES:
            value = text.replace("\\;", ";")
            rdata_text = " ".join(_quoted(c) for c in _chunks(value))
            return rdata_text, {}, [(0, len(rdata_text), node)]
        return text, {}, [(0, len(text), node)]

    # ------------------------------------- what the bridge needs to place

    def rdata_text(self, k: int) -> str:
        """Record *k*'s rdata as the bridge's BIND rendering writes it."""
        return self.values[k].rdata_text

    def place(self, k: int, offset: int | None) -> tuple[int, int]:
        """The span of record *k*'s name (*offset* None), or of the field
        its rendered rdata holds at *offset*."""
        v = self.values[k]
        if offset is None:
            return _span(v.name_node)
        for start, end, node in v.spots:
            if start <= offset <= end:
                return _span(node)
        return _span(v.node)

    # ------------------------------------------------------------ lowering

    def lower(self, edits: Sequence[RecordEdit]) -> tuple[Edit, ...]:
        """YAML splices making *edits*, RRset by RRset: each record body is
        edited where it stands; a new one goes where octoDNS sorts it."""
        deleted: set[int] = set()
        replaced: dict[int, dns.rdata.Rdata] = {}
        ttls: dict[int, int] = {}
        inserts: list[InsertRecords] = []
        for edit in edits:
            if isinstance(edit, DeleteRecord):
                deleted.add(edit.record)
            elif isinstance(edit, ReplaceRdata):
                replaced[edit.record] = edit.rdata
            elif isinstance(edit, ReplaceTTL):
                for k in edit.records:
                    ttls[k] = edit.ttl
            elif isinstance(edit, InsertRecords):
                inserts.append(edit)
            elif isinstance(edit, (ReplaceTxtText, RenameOwner)):
                raise CannotEdit(f"{type(edit).__name__} is made as other edits")
        out: list[Edit] = []
        for k in (*deleted, *replaced, *ttls):
            if self._uses.get(id(self.values[k].node), 1) > 1:
                raise CannotEdit("the value is a YAML alias written elsewhere")
        by_body: dict[int, list[int]] = {}
        for k, v in enumerate(self.values):
            by_body.setdefault(id(v.body), []).append(k)
        for members in by_body.values():
            out.extend(self._lower_body(members, deleted, replaced, ttls))
        for insert in inserts:
            out.extend(self._insert(insert))
        return tuple(sorted(out))

    def _lower_body(
        self,
        members: list[int],
        deleted: set[int],
        replaced: dict[int, dns.rdata.Rdata],
        ttls: dict[int, int],
    ) -> Iterator[Edit]:
        import yaml

        first = self.values[members[0]]
        kept = [k for k in members if k not in deleted]
        if not kept and any(k in deleted for k in members):
            yield self._delete_body(first)
            return
        for k in members:
            v = self.values[k]
            if k in deleted:
                if not isinstance(v.values_node, yaml.SequenceNode):
                    raise CannotEdit("one value of a record written as one")
                if v.values_node.flow_style:
                    raise CannotEdit("a value of a list written [a, b]")
                yield self._delete_lines(v.node)
            elif k in replaced:
                yield from self._replace_value(v, replaced[k])
        if any(k in ttls for k in members):
            ttl = ttls[next(k for k in members if k in ttls)]
            if first.ttl_node is not None:
                yield Edit(*_span(first.ttl_node), str(ttl))
            else:
                type_key = _items(first.body)["type"][0]
                at = type_key.start_mark.index
                indent = " " * (at - self._line_start(at))
                yield Edit(at, at, f"ttl: {ttl}\n{indent}")

    def _replace_value(self, v: _Value, rdata: dns.rdata.Rdata) -> Iterator[Edit]:
        type_text = dns.rdatatype.to_text(v.rdtype)
        if type_text in _MAPPED_FIELDS:
            new = _mapped_words(type_text, rdata)
            for name, word in new.items():
                node = v.fields[name]
                if str(node.value) != word:
                    yield Edit(
                        *_span(node), _scalar(word, node.style, number=word.isdigit())
                    )
            return
        import yaml

        assert isinstance(v.node, yaml.ScalarNode)
        word = _octo_text(type_text, rdata)
        yield Edit(*_span(v.node), _scalar(word, v.node.style))

    def _delete_body(self, v: _Value) -> Edit:
        """Delete a whole record body: its list item, or its name."""
        import yaml

        siblings = [
            other.body
            for other in self.values
            if other.name_node is v.name_node and other.body is not v.body
        ]
        holder = self._holder(v)
        if isinstance(holder, yaml.SequenceNode) and (
            len(holder.value) > 1 or siblings
        ):
            return self._delete_lines(v.body)
        start = self._line_start(v.name_node.start_mark.index)
        return Edit(start, self._line_end(_last_end(holder)), "")

    def _holder(self, v: _Value) -> yaml.Node:
        """What the record's name maps to: its body, or a list of bodies."""
        return self._holders[id(v.name_node)]

    def _delete_lines(self, node: yaml.Node) -> Edit:
        start = self._line_start(node.start_mark.index)
        prefix = self.text[start : node.start_mark.index]
        if prefix.strip() not in ("", "-"):
            raise CannotEdit("the value shares its line with other text")
        return Edit(start, self._line_end(_last_end(node)), "")

    def _insert(self, insert: InsertRecords) -> Iterator[Edit]:
        import yaml

        type_text = dns.rdatatype.to_text(insert.rdtype)
        same = [
            v
            for v in self.values
            if v.owner == insert.owner and v.rdtype == insert.rdtype
        ]
        words = [_value_data(type_text, r) for r in insert.rdatas]
        if same:
            yield self._add_values(same, type_text, words)
            return
        at_name = [v for v in self.values if v.owner == insert.owner]
        ttl = insert.ttl if insert.ttl not in (None, DEFAULT_TTL) else None
        if at_name:
            holder = self._holder(at_name[0])
            record_lines = self._record_lines(type_text, ttl, words)
            if isinstance(holder, yaml.SequenceNode):
                items = holder.value
                prefix = self._prefix(items[0])
                after = [item for item in items if _type_of(item).upper() > type_text]
                text = _as_item(record_lines, prefix)
                if after:
                    at = self._line_start(after[0].start_mark.index)
                else:
                    at = self._line_end(_last_end(items[-1]))
                yield Edit(at, at, text)
                return
            # One record at the name: make it a list of two.
            body_at = holder.start_mark.index
            column = body_at - self._line_start(body_at)
            if column < 2:
                raise CannotEdit("a record body not indented under its name")
            dash = " " * (column - 2) + "- "
            first = self._line_start(body_at)
            text = _as_item(record_lines, dash)
            edits = [Edit(first, body_at, dash)]
            if _type_of(holder).upper() > type_text:
                edits.append(Edit(first, first, text))
            else:
                end = self._line_end(_last_end(holder))
                edits.append(Edit(end, end, text))
            # Two edits at one offset apply in order: the new item first.
            yield from edits
            return
        yield self._new_name(insert.owner, type_text, ttl, words)

    def _add_values(self, same: list[_Value], type_text: str, words: list[Any]) -> Edit:
        import yaml

        v = same[0]
        if isinstance(v.values_node, yaml.SequenceNode):
            if v.values_node.flow_style:
                raise CannotEdit("a list of values written [a, b]")
            items = v.values_node.value
            prefix = self._prefix(items[0])
            keys = _key_order(items[0])
            existing = [(_sort_key(type_text, x.rdata), x.node) for x in same]
            text_at: dict[int, str] = {}
            for word in words:
                key = _sort_key_data(type_text, word)
                later = [node for k, node in existing if k > key]
                at = (
                    self._line_start(later[0].start_mark.index)
                    if later
                    else self._line_end(_last_end(items[-1]))
                )
                text_at[at] = text_at.get(at, "") + _as_item(
                    _value_lines(word, keys), prefix
                )
            (at, text), *rest = sorted(text_at.items())
            if rest:
                raise CannotEdit("new values at several places of one list")
            return Edit(at, at, text)
        # value: x -> values: [x, new], sorted, in the file's list style.
        key_at = v.values_key.start_mark.index
        column = key_at - self._line_start(key_at)
        indent = " " * (column + self._list_indent())
        keys = _key_order(v.node)
        old = self.text[_span(v.node)[0] : _span(v.node)[1]]
        entries = [(_sort_key(type_text, v.rdata), None)]
        entries += [(_sort_key_data(type_text, w), w) for w in words]
        lines = ["values:"]
        for _, word in sorted(entries, key=lambda e: e[0]):
            if word is None:
                if isinstance(v.node, yaml.ScalarNode):
                    lines.append(f"{indent}- {old}")
                else:
                    lines.extend(
                        _as_item(
                            _value_lines(_value_data(type_text, v.rdata), keys),
                            indent + "- ",
                        )
                        .rstrip("\n")
                        .split("\n")
                    )
            else:
                lines.extend(
                    _as_item(_value_lines(word, keys), indent + "- ")
                    .rstrip("\n")
                    .split("\n")
                )
        end = _last_end(v.values_node)
        return Edit(key_at, end, ("\n").join(lines))

    def _new_name(
        self, owner: dns.name.Name, type_text: str, ttl: int | None, words: list[Any]
    ) -> Edit:

        assert self.origin is not None
        name = "" if owner == self.origin else owner.relativize(self.origin).to_text()
        keys = self._keys
        later = [k for k in keys if _natural(str(k.value)) > _natural(name)]
        indent = self._body_indent()
        body = _as_block(self._record_lines(type_text, ttl, words), " " * indent)
        text = f"{self._key_text(name, keys)}:\n{body}"
        if later:
            at = self._above_comments(self._line_start(later[0].start_mark.index))
        else:
            at = len(self.text)
            if self.text and not self.text.endswith("\n"):
                text = self.source.newline + text
        return Edit(at, at, text)

    # -------------------------------------------------------- the file's style

    def _record_lines(
        self, type_text: str, ttl: int | None, words: list[Any]
    ) -> list[str]:
        """A record body's lines, keys sorted as octoDNS writes them."""
        lines: list[str] = []
        pairs: list[tuple[str, list[str]]] = []
        if ttl is not None:
            pairs.append(("ttl", [f"ttl: {ttl}"]))
        pairs.append(("type", [f"type: {type_text}"]))
        keys = _MAPPED_FIELDS.get(type_text, ())
        keys = tuple(sorted(keys)) if type_text != "MX" else ("exchange", "preference")
        if len(words) == 1:
            value = _value_lines(words[0], keys)
            if len(value) == 1:
                pairs.append(("value", [f"value: {value[0]}"]))
            else:
                pairs.append(("value", ["value:", *(f"  {x}" for x in value)]))
        else:
            indent = " " * self._list_indent()
            block = ["values:"]
            for word in sorted(words, key=lambda w: _sort_key_data(type_text, w)):
                block.extend(
                    _as_item(_value_lines(word, keys), indent + "- ")
                    .rstrip("\n")
                    .split("\n")
                )
            pairs.append(("values", block))
        for _, chunk in sorted(pairs, key=lambda p: p[0]):
            lines.extend(chunk)
        return lines

    def _prefix(self, node: yaml.Node) -> str:
        at = node.start_mark.index
        return self.text[self._line_start(at) : at]

    def _list_indent(self) -> int:
        """How far a block list's dashes stand right of their key (0 or 2)."""
        found = re.search(r"^( *)values:[ \t]*\r?\n( *)- ", self.text, re.M)
        return len(found.group(2)) - len(found.group(1)) if found else 2

    def _body_indent(self) -> int:
        found = re.search(
            r"^\S[^\n]*:[ \t]*(?:#[^\n]*)?\r?\n( +)type:", self.text, re.M
        )
        return len(found.group(1)) if found else 2

    def _key_text(self, name: str, keys: list[Any]) -> str:
        styles = [k.style or None for k in keys if k.value]
        quote = max(set(styles), key=styles.count) if styles else None
        if quote in ("'", '"'):
            return _scalar(name, quote)
        return _scalar(name, None)

    def _above_comments(self, at: int) -> int:
        """*at*, moved above the comment lines right before it."""
        while at > 0:
            previous = self._line_start(at - 1)
            if not self.text[previous:at].lstrip().startswith("#"):
                break
            at = previous
        return at

    def _line_start(self, at: int) -> int:
        return self.text.rfind("\n", 0, at) + 1

    def _line_end(self, at: int) -> int:
        """The offset after the line break ending the line *at* is on."""
        end = self.text.find("\n", at)
        return len(self.text) if end < 0 else end + 1


# ----------------------------------------------------------------- helpers


def _span(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.index, node.end_mark.index


def _last_end(node: yaml.Node) -> int:
    """Where a node's last scalar ends (a block collection's own end mark
    lies past the comments and blank lines after it)."""
    import yaml

    if isinstance(node, yaml.MappingNode) and node.value and not node.flow_style:
        return _last_end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
        return _last_end(node.value[-1])
    return int(node.end_mark.index)


def _records_of(body: yaml.Node) -> list[yaml.MappingNode]:
    """The record bodies a name maps to (a body with 'type', or a list of
    them); empty when it maps to anything else."""
    import yaml

    def is_record(node: yaml.Node) -> bool:
        return isinstance(node, yaml.MappingNode) and isinstance(
            _items(node).get("type", (None, None))[1], yaml.ScalarNode
        )

    if is_record(body):
        assert isinstance(body, yaml.MappingNode)
        return [body]
    if (
        isinstance(body, yaml.SequenceNode)
        and body.value
        and all(is_record(item) for item in body.value)
    ):
        return list(body.value)
    return []


def _extras(items: dict[str, tuple[yaml.Node, yaml.Node]]) -> dict[str, object]:
    """What a record's ``octodns:`` settings tell the rules: Cloudflare
    proxies it (``cloudflare: {proxied: true}``): Cloudflare answers with its
    own addresses, flattening a CNAME."""
    import yaml

    settings = items.get("octodns", (None, None))[1]
    if not isinstance(settings, yaml.MappingNode):
        return {}
    cloudflare = _items(settings).get("cloudflare", (None, None))[1]
    if not isinstance(cloudflare, yaml.MappingNode):
        return {}
    proxied = _items(cloudflare).get("proxied", (None, None))[1]
    if isinstance(proxied, yaml.ScalarNode) and proxied.value.lower() == "true":
        return {"cloudflare_proxied": True}
    return {}


def _items(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {str(k.value): (k, v) for k, v in node.value}


def _type_of(node: yaml.Node) -> str:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return str(_items(node).get("type", (None, ""))[1].value)  # type: ignore[union-attr]
    return ""


def _key_order(node: yaml.Node) -> tuple[str, ...]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return tuple(str(k.value) for k, _ in node.value)
    return ()


def _chunks(value: str) -> list[str]:
    """*value* cut into strings of at most 255 bytes (as octoDNS sends a
    long value), never inside a character."""
    out, current, size = [], "", 0
    for char in value:
        width = len(char.encode("utf-8", "surrogateescape"))
        if size + width > 255:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return out


def _quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\{ord(m.group()):03d}", escaped)
    return f'"{escaped}"'


def _txt_value(rdata: dns.rdata.Rdata) -> str:
    strings = rdata.strings  # type: ignore[attr-defined]
    return b"".join(strings).decode("utf-8", "surrogateescape")


def _octo_text(type_text: str, rdata: dns.rdata.Rdata) -> str:
    """A scalar value as octoDNS holds it."""
    if type_text in _TXT_TYPES:
        return _txt_value(rdata).replace(";", "\\;")
    return rdata.to_text()


def _mapped_words(type_text: str, rdata: dns.rdata.Rdata) -> dict[str, str]:
    out = {}
    for name in _MAPPED_FIELDS[type_text]:
        value = getattr(rdata, name)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "surrogateescape")
        out[name] = value.to_text() if isinstance(value, dns.name.Name) else str(value)
    return out


def _value_data(type_text: str, rdata: dns.rdata.Rdata) -> Any:
    """A value as written: text, or a field mapping."""
    if type_text in _MAPPED_FIELDS:
        return _mapped_words(type_text, rdata)
    return _octo_text(type_text, rdata)


def _value_lines(word: Any, keys: Sequence[str]) -> list[str]:
    if isinstance(word, dict):
        order = [k for k in keys if k in word] or sorted(word)
        order += [k for k in sorted(word) if k not in order]
        return [f"{k}: {_scalar(word[k], None, number=k != 'exchange')}" for k in order]
    return [_scalar(word, None)]


def _as_item(lines: list[str], prefix: str) -> str:
    """*lines* as a list item: the first after *prefix* ("  - "), the rest
    under it."""
    under = " " * len(prefix)
    return "".join(
        (prefix if n == 0 else under) + line + "\n" for n, line in enumerate(lines)
    )


def _as_block(lines: list[str], indent: str) -> str:
    return "".join(indent + line + "\n" for line in lines)


def _scalar(text: str, style: str | None, *, number: bool = False) -> str:
    """*text* as a YAML scalar in *style* (None: plain where YAML reads it
    back as this text, else single-quoted)."""
    import yaml

    style = style or None  # libyaml's loader gives "" for plain
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    if style == '"':
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if style is None and "\n" not in text:
        try:
            loaded = yaml.safe_load(f"k: {text}\n")
        except yaml.YAMLError:
            loaded = None
        if number and text.isdigit():
            return text
        if (
            isinstance(loaded, dict)
            and loaded.get("k") == text
            and text.strip() == text
        ):
            return text
    if style in ("|", ">"):
        raise CannotEdit("a value written as a block scalar")
    return "'" + text.replace("'", "''") + "'"


def _natural(name: str) -> list[tuple[int, int | str]]:
    """octoDNS's natural order of names: digits as numbers."""
    return [
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.split(r"(\d+)", name)
        if part
    ]


def _sort_key(type_text: str, rdata: dns.rdata.Rdata) -> tuple[Any, ...]:
    return _sort_key_data(type_text, _value_data(type_text, rdata))


def _sort_key_data(type_text: str, word: Any) -> tuple[Any, ...]:
    if isinstance(word, dict):
        return tuple(
            (0, int(word[k])) if str(word[k]).isdigit() else (1, str(word[k]))
            for k in _MAPPED_FIELDS[type_text]
        )
    return ((1, str(word)),)


# ------------------------------------------------- zone, findings and fixes


def read_document(name: str, data: bytes, settings: ReadSettings) -> OctoDnsDocument:
    """The Document of an octoDNS zone file (the formats registry's reader)."""
    return OctoDnsDocument(name, data, settings)


def read(name: str, data: bytes, origin: dns.name.Name | None = None) -> Bridged:
    """Read an octoDNS zone file: its document, and the zone of its
    rendering that the rules read (zonefix.formats.bridge)."""
    from zonefix.formats.bridge import Bridged

    return Bridged(OctoDnsDocument(name, data, ReadSettings(origin=origin)))


def read_path(
    path: Path, origin: dns.name.Name | None, limits: Limits, roots: Sequence[Path]
) -> Bridged:
    """Read an octoDNS file from disk, as a BIND file is read (once, a
    regular file, inside its repository, under the size limit); raises
    zonefix.ZoneFileError when it cannot be read."""
    from zonefix.reading import ReadRefused, git_work_tree, read_file
    from zonefix.zone import ZoneFileError

    allowed = [git_work_tree(path.parent) or path.parent, *roots]
    try:
        data = read_file(path, allowed, limits.file_size).data
    except ReadRefused as error:
        raise ZoneFileError(0, error.strerror, str(path)) from None
    except OSError as error:
        raise ZoneFileError(error.errno, error.strerror, str(path)) from None
    return read(str(path), data, origin)


def fix(
    octo: Bridged,
    *,
    rules: Sequence[Rule],
    unsafe: bool = False,
    settings: Settings | None = None,
) -> FormatFixResult:
    """Fix the file through the bridge (zonefix.formats.bridge.fix)."""
    from zonefix.formats import bridge

    document = octo.document
    settings_read = ReadSettings(origin=document.origin)
    return bridge.fix(
        octo,
        rules=rules,
        unsafe=unsafe,
        settings=settings,
        reread=lambda data: OctoDnsDocument(document.name, data, settings_read),
    )
