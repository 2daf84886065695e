"""Errors and notes from reading supplier files, each naming the file and the cell."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import AssayError


@dataclass(frozen=True)
class Note:
    """Something odd in a supplier file that did not stop reading it."""

    file: str
    sheet: str | None
    cell: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.sheet and self.cell else (
            self.sheet or self.cell or "")
        return f"{self.file}:{where}: {self.message}" if where else f"{self.file}: {self.message}"


class IngestError(AssayError):
    """A file that cannot be read as supplier data; the message is one located line."""

    def __init__(self, file: str, message: str, sheet: str | None = None,
                 cell: str | None = None) -> None:
        self.note = Note(file, sheet, cell, message)
        super().__init__(str(self.note))
