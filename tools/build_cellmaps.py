"""Regenerate engine/ingest/cellmaps.json from RMI's blank templates.

    python tools/build_cellmaps.py [TEMPLATES_DIR]   (default: ../shared/data/templates)

Run it when RMI publishes a new template version; tests/test_cellmaps.py fails until the
shipped maps match the templates again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assay.engine.ingest.cellmap_build import build_all

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/data/templates"
    maps = build_all(sorted(source.glob("RMI_*.xlsx")))
    target = ROOT / "engine" / "ingest" / "cellmaps.json"
    target.write_text(json.dumps(maps, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(maps)} cell maps to {target.relative_to(ROOT)}: {', '.join(maps)}")


if __name__ == "__main__":
    main()
