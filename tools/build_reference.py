"""Regenerate the smelter reference and country table shipped with assay.

    python tools/build_reference.py [TEMPLATES_DIR]   (default: ../shared/data/templates)

Reads the `Smelter Look-up` of the newest CMRT, EMRT and CRT (CID, standard name, every alias,
country, metal) and the template's country list (sheet `C`), and writes
engine/ingest/data/smelters.json and countries.json. The output records which template each
entry came from, so a refresh is a reviewable diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assay.engine.ingest.reference_build import build_countries, build_reference

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/data/templates"
    target = ROOT / "engine" / "ingest" / "data"
    reference = build_reference(source)
    (target / "smelters.json").write_text(
        json.dumps(reference, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    countries = build_countries(source)
    (target / "countries.json").write_text(
        json.dumps(countries, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8")
    print(f"wrote {len(reference['smelters'])} smelters "
          f"({sum(len(s['aliases']) for s in reference['smelters'])} aliases) from "
          f"{', '.join(reference['sources'])}; {len(countries['template_names'])} countries")


if __name__ == "__main__":
    main()
