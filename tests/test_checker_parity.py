"""docs/checker-parity.md names only rules that exist, and names every DQ-CHK rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assay.engine import load_pack

DOC = Path(__file__).resolve().parents[1] / "docs" / "checker-parity.md"
RULE_ID = re.compile(r"\b[A-Z]+(?:-[A-Z]+)*-\d{3}\b")
FAMILIES = ("CMRT 6.x", "EMRT 1.x", "EMRT 2.x", "CRT 2.x")


def _sections() -> dict[str, str]:
    """Text of each `## ` section of the document, by heading."""
    parts = re.split(r"^## +(.+?)\s*$", DOC.read_text(encoding="utf-8"), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _table_rows(text: str) -> list[list[str]]:
    """Cells of the body rows of the Markdown tables in text (header and rule lines skipped)."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if all(re.fullmatch(r":?-+:?", c) for c in cells) or cells[0] == "Checker check":
            continue
        rows.append(cells)
    return rows


def _pack_ids() -> set[str]:
    return {r.id for r in load_pack().rules}


@pytest.mark.parametrize("family", FAMILIES)
def test_every_check_names_a_rule_or_says_why_not(family: str) -> None:
    rows = _table_rows(_sections()[family])
    assert rows, f"no table for {family}"
    for cells in rows:
        assert len(cells) == 3, f"{family}: expected 3 columns in {cells}"
        mapped = cells[2]
        assert RULE_ID.search(mapped) or mapped.startswith("not expressible:"), (
            f"{family}: '{cells[0]}' names no rule and gives no reason")


def test_every_rule_named_exists_in_the_bundled_pack() -> None:
    named = set(RULE_ID.findall(DOC.read_text(encoding="utf-8")))
    assert named, "the document names no rule"
    missing = sorted(named - _pack_ids())
    assert not missing, f"docs/checker-parity.md names rules not in the pack: {missing}"


def test_every_checker_rule_is_documented() -> None:
    named = set(RULE_ID.findall(DOC.read_text(encoding="utf-8")))
    undocumented = sorted(i for i in _pack_ids() if i.startswith("DQ-CHK-") and i not in named)
    assert not undocumented, f"DQ-CHK rules missing from docs/checker-parity.md: {undocumented}"
