"""The RMI smelter reference shipped with assay, and resolving reported rows against it.

A reported row is resolved by its CID, else by an exact alias (case and spacing ignored)
within its metal, else by a fuzzy name match (rapidfuzz) within its metal, preferring
candidates in the reported country. The method and score are kept, so an analyst can see
how sure the match is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from .normalise import Countries

_DATA = Path(__file__).resolve().parent / "data"
FUZZY_CUTOFF = 88.0


@dataclass(frozen=True)
class RefSmelter:
    """One smelter or refiner of the RMI reference."""

    cid: str
    metal: str
    name: str
    country: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """How a reported row was resolved."""

    smelter: RefSmelter | None
    method: str  # cid, alias, fuzzy, none
    score: float | None = None


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class Reference:
    """Lookup tables over the reference list."""

    by_cid: dict[str, list[RefSmelter]]
    by_alias: dict[tuple[str, str], RefSmelter]
    names_by_metal: dict[str, list[tuple[str, RefSmelter]]] = field(repr=False)
    sources: tuple[str, ...] = ()

    @staticmethod
    @cache
    def bundled() -> Reference:
        """The reference built from RMI's templates (tools/build_reference.py)."""
        return Reference.from_file(_DATA / "smelters.json")

    @staticmethod
    def from_file(path: Path) -> Reference:
        data = json.loads(path.read_text(encoding="utf-8"))
        countries = Countries.load()
        by_cid: dict[str, list[RefSmelter]] = {}
        by_alias: dict[tuple[str, str], RefSmelter] = {}
        names: dict[str, list[tuple[str, RefSmelter]]] = {}
        for item in data["smelters"]:
            code, _ = countries.code(item.get("country_name"))
            smelter = RefSmelter(item["cid"], item["metal"], item["name"], code,
                                 tuple(item["aliases"]))
            by_cid.setdefault(smelter.cid, []).append(smelter)
            for alias in {smelter.name, *smelter.aliases}:
                by_alias.setdefault((smelter.metal, _norm(alias)), smelter)
                names.setdefault(smelter.metal, []).append((alias, smelter))
        return Reference(by_cid, by_alias, names, tuple(data.get("sources", ())))

    def resolve(self, metal: str | None, cid: str | None, name: str | None,
                country: str | None) -> Match:
        """Resolve one reported row (see the module docstring for the order)."""
        if cid and cid in self.by_cid:
            candidates = self.by_cid[cid]
            chosen = next((s for s in candidates if s.metal == metal), candidates[0])
            return Match(chosen, "cid", 100.0)
        if not name or not metal:
            return Match(None, "none")
        exact = self.by_alias.get((metal, _norm(name)))
        if exact is not None:
            return Match(exact, "alias", 100.0)
        choices = self.names_by_metal.get(metal, [])
        if not choices:
            return Match(None, "none")
        found = process.extract(name, [c[0] for c in choices], scorer=fuzz.token_sort_ratio,
                                processor=utils.default_process, limit=5,
                                score_cutoff=FUZZY_CUTOFF)
        if not found:
            return Match(None, "none")
        best = max(found, key=lambda f: (f[1] + (2 if choices[f[2]][1].country == country
                                                 else 0)))
        return Match(choices[best[2]][1], "fuzzy", round(float(best[1]), 1))
