"""Reading facts from JSON and JSON Lines files (the engine's own exchange format)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assay.engine.errors import AssayError, display_path


class FactFileError(AssayError):
    """A facts file that cannot be read, with the place it went wrong."""


def read_fact_file(path: Path) -> Iterator[dict[str, Any]]:
    """Facts from a .json file (one fact, a list, or {"facts": [...]}) or a .jsonl file.

    Each fact gets provenance (file and line/item) unless it already has some.
    """
    name = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FactFileError(f"{name}: cannot read: {exc}") from None
    if path.suffix.lower() == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise FactFileError(f"{name}:{number}:{exc.colno}: invalid JSON: {exc.msg}"
                                    ) from None
            yield _with_provenance(item, name, number)
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FactFileError(f"{name}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    if isinstance(data, dict) and isinstance(data.get("facts"), list):
        data = data["facts"]
    items = data if isinstance(data, list) else [data]
    for number, item in enumerate(items, start=1):
        yield _with_provenance(item, name, number)


def _with_provenance(item: Any, name: str, number: int) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise FactFileError(f"{name}: item {number}: expected a JSON object (a fact)")
    if "kind" not in item:
        # A fact that describes a smelter row is a smelter fact; anything else a declaration.
        item = {"kind": "smelter" if "smelter" in item else "declaration", **item}
    if "provenance" not in item:
        item = {**item, "provenance": {"file": name, "row": number}}
    return item
