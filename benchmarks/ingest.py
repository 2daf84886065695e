"""Reading one supplier workbook: assay's reader against calamine's bare read of the same sheets.

    python benchmarks/ingest.py [FILES...]   (default: the filled fixtures in tests/fixtures)

The floor is python-calamine opening the file and materialising the sheets assay needs
(Declaration, Smelter List, Product List, and Mine List where present). The ratio says what
detection, cell maps, normalisation, reference resolution and fact building add on top.
Best of 7 runs each, measured in the same process; nothing is asserted.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from python_calamine import CalamineWorkbook

from assay.engine.ingest import read_file

ROOT = Path(__file__).resolve().parent.parent
SHEETS = ("Declaration", "Smelter List", "Product List", "Mine List")


def best(func, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def floor(path: Path) -> None:
    book = CalamineWorkbook.from_path(str(path))
    for name in SHEETS:
        if name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()


def main() -> None:
    files = [Path(a) for a in sys.argv[1:]] or sorted(
        (ROOT / "tests" / "fixtures" / "workbooks").glob("*.xls*"))
    print(f"{'file':34} {'assay read_file':>16} {'calamine floor':>15} {'ratio':>6}")
    for path in files:
        read_file(path)  # warm caches (cell maps, reference)
        ours = best(lambda p=path: read_file(p))
        base = best(lambda p=path: floor(p))
        print(f"{path.name:34} {ours * 1000:13.1f} ms {base * 1000:12.1f} ms {ours / base:6.2f}")


if __name__ == "__main__":
    main()
