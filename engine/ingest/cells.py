"""A1-style cell references."""

from __future__ import annotations

import re

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def parse_ref(ref: str) -> tuple[int, int]:
    """'D26' -> (row 26, column index 3), both as Excel counts them (row 1-based, col 0-based)."""
    match = _REF.match(ref.strip())
    if not match:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = 0
    for ch in match.group(1):
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)), col - 1


def col_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def expand_range(ref: str) -> list[str]:
    """'D26:E29' -> every cell in the rectangle, row by row."""
    if ":" not in ref:
        return [ref.replace("$", "")]
    first, last = ref.split(":")
    (r1, c1), (r2, c2) = parse_ref(first), parse_ref(last)
    return [f"{col_letter(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
