"""YAML documents that come in with requests (tax-year decisions, fee schedules), read within bounds.

PyYAML's safe loader builds no objects beyond Python's own, but it is not bounded: an alias repeated
eight levels deep ("billion laughs") makes a 726-byte document expand to hundreds of millions of nodes
for whoever walks it, a list nested 5,000 deep ends in RecursionError, and a 50 MB document takes its
pure-Python parser some 20 seconds. Our documents are small mappings of numbers and names, so here:

- the document is at most MAX_DOCUMENT_CHARS long, checked before parsing;
- anchors and aliases (&name, *name, and so merge keys "<<") are refused: nothing we read needs them;
- nesting is at most MAX_DEPTH deep, checked while composing, before the next level is built;
- a scalar is at most MAX_SCALAR_CHARS long (a longer "number" would be converted before it is refused);
- only plain scalars (text, numbers, booleans, null, dates), mappings and lists: explicit tags such as
  !!binary, !!set or !!omap are refused.

Every refusal is an InvalidInput naming the request's field with the line, e.g.
"decision_yaml: line 3: aliases (*name) are not accepted; write the value out".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import Node

from services.platform.errors import InvalidInput

MAX_DOCUMENT_CHARS = 100_000  # a municipality's decision or fee schedule is 1–3 KB
MAX_DEPTH = 20  # our documents nest 3 levels
MAX_SCALAR_CHARS = 1_000
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)


class _Refused(yaml.YAMLError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


class BoundedSafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors, aliases, explicit tags, deep nesting and long scalars."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1
        if isinstance(event, AliasEvent):
            raise _Refused(line, "aliases (*name) are not accepted; write the value out")
        if isinstance(event, ScalarEvent | CollectionStartEvent):
            if event.anchor is not None:
                raise _Refused(line, "anchors (&name) are not accepted; write each value out")
            explicit = event.implicit is False or (
                isinstance(event.implicit, tuple) and not any(event.implicit)
            )
            if event.tag is not None and explicit and event.tag != "!":
                raise _Refused(line, "tags (!!…) are not accepted; write plain values")
        if isinstance(event, ScalarEvent) and len(event.value) > MAX_SCALAR_CHARS:
            raise _Refused(line, f"a value is longer than {MAX_SCALAR_CHARS:,} characters")
        if isinstance(event, CollectionStartEvent):
            if self._depth >= MAX_DEPTH:
                raise _Refused(line, f"nested more than {MAX_DEPTH} levels deep")
            self._depth += 1
            try:
                node = Composer.compose_node(self, parent, index)
            finally:
                self._depth -= 1
        else:
            node = Composer.compose_node(self, parent, index)
        if node is None or node.tag not in _PLAIN_TAGS:
            raise _Refused(line, "only text, numbers, true/false, dates, mappings and lists are accepted")
        return node


@dataclass(frozen=True)
class _Position:
    line: int  # from 0, as PyYAML's marks


def read_yaml(text: str, field: str) -> Any:
    """The data in the YAML document `text`, sent in the request's `field`; InvalidInput naming `field`
    (and the line) when it is too long, not YAML, or uses what our documents never need."""
    if len(text) > MAX_DOCUMENT_CHARS:
        raise InvalidInput.single(
            field, f"is {len(text):,} characters long; a document may have at most {MAX_DOCUMENT_CHARS:,}"
        )
    loader: BoundedSafeLoader | None = None
    try:
        loader = BoundedSafeLoader(text)  # its reader refuses control characters right away
        return loader.get_single_data()
    except _Refused as refused:
        raise InvalidInput.single(field, f"line {refused.line}: {refused.reason}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is None and isinstance(exc, yaml.reader.ReaderError):  # a control character
            mark = _Position(text.count("\n", 0, exc.position))
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = str(getattr(exc, "problem", None) or "")[:60]
        raise InvalidInput.single(
            field, f"{where}not valid YAML" + (f" ({problem})" if problem else "")
        ) from None
    except (ValueError, RecursionError):  # a constructor refusing a value (e.g. a date 2024-02-30)
        raise InvalidInput.single(field, "not valid YAML: a value cannot be read") from None
    finally:
        if loader is not None:
            loader.dispose()
