"""The one reader of every YAML/JSON file a user gives: scenarios, lever files, strike plans, later kinds.

PyYAML's ``safe_load`` refuses arbitrary objects but not files that exhaust the machine or mean something
else than they seem, so this reader adds four limits, each checked before the data reach a model:

* **size**: at most :data:`MAX_FILE_BYTES`, checked while reading (``/dev/zero`` has no size to ask for),
  so nothing is parsed that could not be a real crisis file;
* **depth**: at most :data:`MAX_DEPTH` nested lists and mappings; deeper nesting would otherwise end in a
  ``RecursionError`` inside the composer or pydantic;
* **expanded size**: aliases (``*name``) are allowed, but the document with every alias expanded may hold
  at most :data:`MAX_NODES` nodes. Aliases are shared, not copied, when parsed, so a "billion laughs" file
  parses quickly and only explodes when validated, printed or simulated; counting the expansion refuses it
  up front;
* **duplicate keys**: a key given twice in one mapping is refused naming both lines (PyYAML silently keeps
  the last one, so ``horizon_days: 365`` followed by ``horizon_days: 5`` would run 5 days).

Every refusal is a :class:`~brinkmanship.errors.UserError` naming the file and the line.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from brinkmanship.errors import UserError

MAX_FILE_BYTES = 1_000_000
"""Largest file read (bytes). A built-in scenario is about 10 kB; a megabyte leaves room for long notes."""
MAX_DEPTH = 50
"""Deepest nesting of lists and mappings. Scenario files nest about 6 deep."""
MAX_NODES = 200_000
"""Most nodes in a document with every alias expanded. A built-in scenario has about 1,500."""


class _Refused(Exception):
    """A limit broken while composing; carries the message and the 0-based line."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _LimitedLoader(yaml.SafeLoader):
    """SafeLoader that checks depth and duplicate keys as each node is composed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep", mark.line)
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if isinstance(node, MappingNode):
            _check_duplicates(node)
        return node


def _check_duplicates(node: MappingNode) -> None:
    """Refuse a scalar key given twice in one mapping (merge keys ``<<`` may legitimately repeat)."""
    seen: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        line = key.start_mark.line
        if key.value in seen:
            raise _Refused(f"duplicate key {key.value!r} (first given on line {seen[key.value] + 1})", line)
        seen[key.value] = line


def _expanded_size(root: Node) -> int:
    """Nodes in the document with every alias expanded; stops counting past :data:`MAX_NODES`.

    An alias is the same node object reached twice, so sizes are memoised by identity: the count
    takes time proportional to the distinct nodes even when the expansion is astronomically large.
    """
    sizes: dict[int, int] = {}
    visiting: set[int] = set()
    # Iterative post-order walk: recursion would hit Python's limit on the deepest allowed files.
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            visiting.discard(id(node))
            sizes[id(node)] = min(1 + sum(sizes[id(child)] for child in _children(node)), MAX_NODES + 1)
            continue
        if id(node) in sizes:
            continue
        if id(node) in visiting:  # reached again below itself: an anchor holding an alias to itself
            raise _Refused("a value refers to itself through an alias", node.start_mark.line)
        visiting.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    return sizes[id(root)]


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def read_text(path: Path) -> str:
    """A user's file as text, refusing what cannot be one before any of it is parsed: a missing file, a
    folder, more than :data:`MAX_FILE_BYTES`, NUL bytes, text that is not UTF-8 (a byte-order mark is
    dropped), or anything that is not a regular file (a named pipe would block the read for ever)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UserError(f"{path}: cannot read: no such file") from None
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror or error}") from None
    if stat.S_ISDIR(mode):
        raise UserError(f"{path}: is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise UserError(f"{path}: not a regular file (a pipe, socket or device); not read")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise UserError(f"{path}: cannot read: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise UserError(f"{path}: larger than {MAX_FILE_BYTES:,} bytes; not read")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 text (byte {error.start})") from None
    if "\x00" in text:
        raise UserError(f"{path}: not a text file (it holds NUL bytes)")
    return text


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date or time as YAML reads it, or a refusal naming the line (PyYAML raises a bare ValueError
    for an impossible date such as 2017-02-30)."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as error:
        raise _Refused(f"{node.value!r} is not a calendar date ({error})", node.start_mark.line) from None


_LimitedLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _plain_number(kind: str, construct: Any) -> Any:
    """A YAML 1.1 number refused where it would not mean what a reader sees: a leading zero (``030`` is
    octal 24), a digit separator (``0_1`` is 1), binary or sexagesimal (``1:30`` is 90)."""

    def constructor(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        text = str(node.value).lstrip("+-")
        digits = text.split(".")[0].split("e")[0].split("E")[0]
        if (
            "_" in text
            or ":" in text
            or text.lower().startswith(("0b", "0x", "0o"))
            or (len(digits) > 1 and digits.startswith("0"))
        ):
            raise _Refused(
                f"{node.value!r}: write the {kind} plainly (YAML would read a leading zero as octal, "
                "'_' as a separator, ':' as base 60)",
                node.start_mark.line,
            )
        if len(digits) > MAX_DIGITS:
            # Python refuses to read an integer of over 4,300 digits (a ValueError, not a YAML error)
            raise _Refused(
                f"{_clipped(str(node.value))}: a number of {len(digits):,} digits (at most {MAX_DIGITS})",
                node.start_mark.line,
            )
        return construct(loader, node)

    return constructor


MAX_DIGITS = 100
"""Most digits in a number of a YAML file: far beyond any field's range, far below Python's limit."""


def _clipped(text: str, most: int = 24) -> str:
    return repr(text if len(text) <= most else text[: most - 3] + "...")


_LimitedLoader.add_constructor(
    "tag:yaml.org,2002:int", _plain_number("integer", yaml.SafeLoader.construct_yaml_int)
)
_LimitedLoader.add_constructor(
    "tag:yaml.org,2002:float", _plain_number("number", yaml.SafeLoader.construct_yaml_float)
)


_LimitedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)
"""A number in exponent notation is a number, as JSON and YAML 1.2 read it (``5e-05``, which Python's
``json`` writes, ``1e2``, ``1.0e5``): YAML 1.1, which PyYAML follows, reads one as text unless it has a
point and a signed exponent, so a JSON file written by a program was refused."""


def parse_yaml(text: str, where: str) -> Any:
    """Parse YAML (or JSON) text under the limits; ``where`` names the source in errors."""
    loader = _LimitedLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        if _expanded_size(root) > MAX_NODES:
            raise UserError(
                f"{where}: more than {MAX_NODES:,} values once aliases are expanded (an alias bomb?)"
            )
        return loader.construct_document(root)
    except _Refused as refused:
        raise UserError(f"{where}:{refused.line + 1}: {refused.message}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        # A .json file is read by the YAML parser (JSON is a subset): name the format the user wrote.
        kind = "JSON" if where.lower().endswith(".json") else "YAML"
        problem = getattr(error, "problem", None) or f"malformed {kind}"
        raise UserError(f"{where}{line}: malformed {kind}: {problem}") from None
    except RecursionError:  # pragma: no cover - the depth limit is meant to make this unreachable
        raise UserError(f"{where}: nested too deeply") from None
    finally:
        loader.dispose()


def read_yaml(path: str | Path) -> Any:
    """Read and parse a user's YAML/JSON file under every limit above."""
    path = Path(path)
    return parse_yaml(read_text(path), str(path))
