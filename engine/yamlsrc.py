"""Safe YAML loading that keeps the line and column of every node.

PyYAML's composer gives nodes with marks; we turn them into plain dicts, lists and scalars
(`LocDict`, `LocList`) that remember where each key and item came from, so a validator far
from the parser can still say `rules/x.yaml:12:7`. Only the YAML core schema's tags are
accepted (no `!!python/...`), duplicate keys are errors, and alias expansion is bounded so a
"billion laughs" document fails fast instead of eating memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from .errors import Location, Problem, display_path

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_NODES = 200_000

_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:merge",
}


class LocDict(dict):
    """A dict that knows where it, each of its keys and each of its values start."""

    loc: Location
    key_locs: dict[str, Location]
    value_locs: dict[str, Location]


class LocList(list):
    """A list that knows where it and each of its items start."""

    loc: Location
    item_locs: list[Location]


def location_of(container: Any, key: Any = None) -> Location | None:
    """Where `container[key]` starts (or the container itself when key is None)."""
    if key is None:
        return getattr(container, "loc", None)
    if isinstance(container, LocDict):
        return container.value_locs.get(key) or container.key_locs.get(key)
    if isinstance(container, LocList) and isinstance(key, int) and 0 <= key < len(container):
        return container.item_locs[key]
    return None


def key_location(container: Any, key: str) -> Location | None:
    """Where the key itself is written, for errors about the key (unknown key, duplicate)."""
    if isinstance(container, LocDict):
        return container.key_locs.get(key)
    return None


def walk_to(root: Any, path: tuple[Any, ...]) -> tuple[Any, Location | None]:
    """Follow `path` from `root`; return the deepest node reached and its best location."""
    node, best = root, location_of(root)
    for part in path:
        loc = location_of(node, part)
        if loc is None:
            break
        best = loc
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return node, best


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.count = 0
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
        yaml.constructor.SafeConstructor.__init__(self._constructor)

    def loc(self, node: yaml.Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(self.loc(node))
        if node.tag not in _SAFE_TAGS:
            self.problems.append(
                Problem(self.loc(node), f"YAML tag {node.tag!r} is not allowed (plain data only)")
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            out = LocList(self.build(item) for item in node.value)
            out.loc = self.loc(node)
            out.item_locs = [self.loc(item) for item in node.value]
            return out
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.problems.append(Problem(self.loc(node), f"invalid value: {exc}"))
            return None

    def _mapping(self, node: yaml.MappingNode) -> LocDict:
        out = LocDict()
        out.loc, out.key_locs, out.value_locs = self.loc(node), {}, {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = self.build(value_node)
                for source in merged if isinstance(merged, list) else [merged]:
                    if isinstance(source, LocDict):
                        for k, v in source.items():
                            if k not in out:
                                out[k] = v
                                out.key_locs[k] = source.key_locs[k]
                                out.value_locs[k] = source.value_locs[k]
                continue
            key = self.build(key_node)
            if isinstance(key, list | dict):
                self.problems.append(Problem(self.loc(key_node), "a mapping key must be a scalar"))
                continue
            if key in out and key in out.key_locs:
                first = out.key_locs[key]
                self.problems.append(
                    Problem(
                        self.loc(key_node),
                        f"duplicate key {key!r} (first at line {first.line})",
                        field=str(key),
                    )
                )
                continue
            out[key] = self.build(value_node)
            out.key_locs[key] = self.loc(key_node)
            out.value_locs[key] = self.loc(value_node)
        return out


class _TooBig(Exception):
    def __init__(self, loc: Location) -> None:
        self.loc = loc


def load_yaml(path: Path, text: str | None = None) -> tuple[Any, list[Problem]]:
    """Load one YAML document with locations; return (data, problems).

    Never raises for bad content: syntax errors, forbidden tags, duplicate keys, oversized
    files and alias bombs all come back as located problems with `data` set to None.
    """
    file = display_path(path)
    if text is None:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                return None, [Problem(Location(file), f"file is {size} bytes; the limit is "
                                      f"{MAX_FILE_BYTES} bytes")]
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            return None, [Problem(Location(file), f"not UTF-8 text: {exc.reason} at byte "
                                  f"{exc.start}")]
        except OSError as exc:
            return None, [Problem(Location(file), f"cannot read: {exc.strerror or exc}")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        reason = exc.problem or str(exc)
        return None, [Problem(loc, f"YAML syntax error: {reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(Location(file), f"YAML error: {exc}")]
    if node is None:
        return None, []
    builder = _Builder(file)
    try:
        data = builder.build(node)
    except _TooBig as exc:
        return None, [Problem(exc.loc, f"document expands to more than {MAX_NODES} nodes "
                              "(aliases nested too deeply?)")]
    except RecursionError:
        return None, [Problem(Location(file), "document nests too deeply")]
    return data, builder.problems


def iter_yaml_files(paths: list[Path]) -> Iterator[Path]:
    """Every *.yaml / *.yml under `paths` (files as given, folders recursively, sorted)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file()
            )
        else:
            yield path
