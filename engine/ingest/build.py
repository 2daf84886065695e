"""Turn a read `Submission` into the facts rules evaluate.

One smelter fact per Smelter List row (resolved against the reference) and one declaration
fact per metal the template asks about (`declaration.in_scope` says whether Q1/Q2 put it in
scope). A row that repeats an earlier row of the same declaration (same metal and smelter) is
marked `duplicate` and not counted twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..facts import (
    Company,
    Declaration,
    DeclarationFact,
    Provenance,
    Smelter,
    SmelterFact,
    Supplier,
    Template,
)
from .errors import Note
from .normalise import RATE_MIN
from .reference import Reference, RefSmelter
from .rmap import StatusList
from .template import Submission

_SUPPLIER_FIELDS = set(Supplier.model_fields)
_SMELTER_FIELDS = set(Smelter.model_fields)


def build_facts(sub: Submission, reference: Reference | None = None,
                as_of: dt.date | None = None, statuses: StatusList | None = None
                ) -> tuple[list[SmelterFact | DeclarationFact], list[Note]]:
    """The facts of one submission, and notes about rows that needed attention."""
    reference = reference or Reference.bundled()
    as_of = as_of or dt.date.today()
    notes = list(sub.notes)
    supplier_data = {k: v for k, v in sub.supplier.items() if k in _SUPPLIER_FIELDS}
    supplier_data["products_listed"] = len(sub.products)
    if "effective_date" in supplier_data:
        supplier_data["declaration_age_days"] = (as_of - supplier_data["effective_date"]).days
    supplier = Supplier(**supplier_data)
    template = Template(type=sub.template_type, version=float(sub.version),  # type: ignore[arg-type]
                        language=sub.language)
    company_common = {k: a.value for k, a in sub.company.items() if a.value is not None}
    context_cells = {**{f"supplier.{k}": f"Declaration!{c}" for k, c in sub.supplier_cells.items()},
                     **{f"company.{k}": f"Declaration!{a.cell}" for k, a in sub.company.items()}}
    smelters: list[SmelterFact] = []
    seen: dict[tuple[str | None, str], int] = {}
    counts: dict[str, dict[str, int]] = {}
    for row in sub.smelters:
        values = dict(row.values)
        ref = resolve_row(values, reference, statuses)
        if values.get("country_mismatch") and ref is not None:
            notes.append(Note(sub.file, "Smelter List", f"E{row.row}",
                              f"country {values['country_name']!r} differs from the "
                              f"reference country of {ref.cid} ({ref.country})"))
        identity = values.get("resolved_cid") or (values.get("name") or "").casefold()
        key = (values.get("metal"), identity)
        if values["row_state"] == "listed" and identity and key in seen:
            values["duplicate"] = True
            notes.append(Note(sub.file, "Smelter List", f"A{row.row}",
                              f"repeats row {seen[key]} ({identity})"))
        elif values["row_state"] == "listed" and identity:
            seen[key] = row.row
            values["duplicate"] = False
        metal_counts = counts.setdefault(values.get("metal") or "?", {
            "smelter_rows": 0, "smelters_identified": 0, "smelters_not_listed": 0,
            "smelters_not_yet_identified": 0, "smelters_conformant": 0})
        if not values.get("duplicate"):
            metal_counts["smelter_rows"] += 1
            metal_counts["smelters_identified"] += bool(values.get("resolved_cid"))
            metal_counts["smelters_conformant"] += values.get("rmap_status") == "conformant"
            metal_counts["smelters_not_listed"] += values["row_state"] == "not_listed"
            metal_counts["smelters_not_yet_identified"] += (
                values["row_state"] == "not_yet_identified")
        metal_name = values.get("metal")
        smelters.append(SmelterFact(
            supplier=supplier, template=template,
            company=Company(**_company(company_common, sub, metal_name)),
            declaration=Declaration(**_answers(sub, metal_name)),
            smelter=Smelter(**{k: v for k, v in values.items()
                               if k in _SMELTER_FIELDS and v is not None}),
            provenance=Provenance(file=sub.file, sha256=sub.sha256, sheet="Smelter List",
                                  row=row.row, cell=f"A{row.row}",
                                  cells={**context_cells, **_row_cells(sub, row.row, metal_name)})))
    declarations: list[DeclarationFact] = []
    for metal_name in dict.fromkeys([*sub.metals, *(m for m in counts if m != "?")]):
        answers = _answers(sub, metal_name)
        answers.update(counts.get(metal_name, {"smelter_rows": 0, "smelters_identified": 0,
                                               "smelters_not_listed": 0,
                                               "smelters_not_yet_identified": 0,
                                               "smelters_conformant": 0}))
        if statuses is None:
            answers.pop("smelters_conformant")  # unknown without an imported status list
        if sub.template_type == "emrt" and float(sub.version) >= 2:
            answers["mines_listed"] = sum(m.values.get("metal") == metal_name for m in sub.mines)
        first = next(iter(sub.answers.get(metal_name, {}).values()), None)
        declarations.append(DeclarationFact(
            supplier=supplier, template=template,
            company=Company(**_company(company_common, sub, metal_name)),
            declaration=Declaration(**answers),
            provenance=Provenance(file=sub.file, sha256=sub.sha256, sheet="Declaration",
                                  cell=first.cell if first else None,
                                  cells={**context_cells, **_answer_cells(sub, metal_name)})))
    return [*declarations, *smelters], notes


def resolve_row(values: dict[str, Any], reference: Reference,
                statuses: StatusList | None) -> RefSmelter | None:
    """Resolve one smelter row against the reference, in place: resolved CID, standard name,
    reference country, match method and score, country mismatch, and RMAP status."""
    match = reference.resolve(values.get("metal"),
                              values.get("cid") if values.get("cid_valid") else None,
                              values.get("name") or values.get("lookup_name"),
                              values.get("country"))
    ref = match.smelter if values.get("row_state", "listed") == "listed" else None
    if ref is None:
        values["match_method"] = "none"
        return None
    values.update(resolved_cid=ref.cid, standard_name=ref.name, reference_country=ref.country,
                  match_method=match.method, match_score=match.score)
    values["metal"] = values.get("metal") or ref.metal
    if values.get("country") and ref.country:
        values["country_mismatch"] = values["country"] != ref.country
    values.update(status_fields(statuses, ref.cid))
    return ref


def status_fields(statuses: StatusList | None, cid: str | None) -> dict[str, Any]:
    """rmap_status and friends for a resolved CID (nothing without an imported list)."""
    if statuses is None or cid is None:
        return {}
    found = statuses.lookup(cid)
    if found is None:
        return {"rmap_status": "unknown"}
    return {"rmap_status": found.status, "rmap_status_raw": found.raw,
            "rmap_status_date": found.date or statuses.imported}


def _answer_cells(sub: Submission, metal_name: str | None) -> dict[str, str]:
    per_metal = {f"company.{k}": f"Declaration!{a.cell}"
                 for k, a in sub.company_by_metal.get(metal_name or "", {}).items()}
    answers = {f"declaration.{k}": f"Declaration!{a.cell}"
               for k, a in sub.answers.get(metal_name or "", {}).items()}
    return {**per_metal, **answers}


def _row_cells(sub: Submission, row: int, metal_name: str | None) -> dict[str, str]:
    columns = {f"smelter.{k}": f"Smelter List!{c}{row}" for k, c in sub.smelter_columns.items()}
    # Derived fields point at the column they come from.
    for derived, source in (("country", "country_name"), ("mine_country", "mine_country_name"),
                            ("row_state", "lookup_name"), ("cid_valid", "cid"),
                            ("resolved_cid", "cid"), ("standard_name", "name"),
                            ("country_mismatch", "country_name"), ("duplicate", "reported_id"),
                            ("rmap_status", "cid"), ("match_method", "name")):
        if f"smelter.{source}" in columns:
            columns[f"smelter.{derived}"] = columns[f"smelter.{source}"]
    return {**_answer_cells(sub, metal_name), **columns}


def _answers(sub: Submission, metal_name: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"metal": metal_name}
    if metal_name is None:
        return out
    given = {k: a.value for k, a in sub.answers.get(metal_name, {}).items()
             if a.value is not None}
    out.update(given)
    q1, q2 = given.get("q1_intentionally_added"), given.get("q2_remains_in_product")
    if "yes" in (q1, q2):
        out["in_scope"] = True
    elif q1 is not None or q2 is not None:
        out["in_scope"] = False
    if given.get("q6_response_rate") in RATE_MIN:
        out["q6_response_rate_min"] = RATE_MIN[given["q6_response_rate"]]
    return out


def _company(common: dict[str, Any], sub: Submission, metal_name: str | None
             ) -> dict[str, Any]:
    per_metal = {k: a.value for k, a in sub.company_by_metal.get(metal_name or "", {}).items()
                 if a.value is not None}
    return {**common, **per_metal}
