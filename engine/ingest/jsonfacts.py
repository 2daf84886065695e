"""assay's own fact format: JSON (one fact, a list, or {"facts": [...]}) and JSON Lines.

Each item is a fact as `assay facts --format json` prints it (`kind`, `smelter`, `supplier`,
...). `kind` may be left out: an item with a `smelter` part is a smelter fact.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import IngestError


def read_fact_items(path: Path, display: str) -> Iterator[dict[str, Any]]:
    """Raw fact dicts with provenance (file and line or item number) filled in."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(display, f"cannot read: {exc}") from None
    if path.suffix.lower() == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield _with_provenance(_parse(line, display, number), display, number)
        return
    data = _parse(text, display)
    if isinstance(data, dict) and isinstance(data.get("facts"), list):
        data = data["facts"]
    items = data if isinstance(data, list) else [data]
    for number, item in enumerate(items, start=1):
        yield _with_provenance(item, display, number)


def _parse(text: str, display: str, line: int | None = None) -> Any:
    """JSON, or an error at FILE:LINE:COL (`line` given for JSON Lines)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(f"{display}:{line or exc.lineno}:{exc.colno}",
                          f"invalid JSON: {exc.msg}") from None


def _with_provenance(item: Any, name: str, number: int) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise IngestError(name, f"item {number}: expected a JSON object (a fact)")
    if "kind" not in item:
        item = {"kind": "smelter" if "smelter" in item else "declaration", **item}
    if "provenance" not in item:
        item = {**item, "provenance": {"file": name, "row": number}}
    return item
