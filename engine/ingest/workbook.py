"""Opening a workbook with python-calamine (no macro ever runs) and addressing its cells."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from .cells import parse_ref
from .errors import IngestError

MAX_FILE_BYTES = 64 * 1024 * 1024
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


class Sheet:
    """One sheet's used range, addressed as Excel does (calamine's range may not start at A1)."""

    def __init__(self, book: CalamineWorkbook, name: str) -> None:
        data = book.get_sheet_by_name(name)
        self.name = name
        self.rows: list[list[Any]] = data.to_python()
        self.start: tuple[int, int] = data.start or (0, 0)

    def get(self, ref: str) -> Any:
        row, col = parse_ref(ref)
        return self.at(row, col)

    def at(self, row: int, col: int) -> Any:
        """Value at Excel row `row` (1-based) and column index `col` (0-based), or None."""
        r, c = row - 1 - self.start[0], col - self.start[1]
        if r < 0 or c < 0 or r >= len(self.rows):
            return None
        line = self.rows[r]
        value = line[c] if c < len(line) else None
        return None if value == "" else value

    def nonempty_rows(self, first_row: int, cols: tuple[int, ...]) -> list[int]:
        """Excel rows from `first_row` on with a value in any of `cols` (fast scan)."""
        out = []
        start_row, start_col = self.start
        idx = [c - start_col for c in cols if c >= start_col]
        for offset, line in enumerate(self.rows[max(0, first_row - 1 - start_row):]):
            width = len(line)
            if any(i < width and line[i] not in ("", None) for i in idx):
                out.append(first_row + offset if first_row - 1 >= start_row
                           else start_row + 1 + offset)
        return out

    @property
    def last_row(self) -> int:
        return self.start[0] + len(self.rows)


def open_workbook(path: Path, display: str) -> CalamineWorkbook:
    """Open any workbook calamine reads; one located error line if it cannot."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(display, f"cannot read: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise IngestError(display, f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise IngestError(display, f"not a readable workbook ({reason})") from None


def sheet(book: CalamineWorkbook, name: str, display: str) -> Sheet:
    """A sheet by name, or a located error naming the sheets the file has."""
    if name not in book.sheet_names:
        raise IngestError(display, f"no sheet {name!r} (sheets: {', '.join(book.sheet_names)})")
    try:
        return Sheet(book, name)
    except Exception as exc:
        raise IngestError(display, f"cannot read sheet: {exc}", sheet=name) from None
