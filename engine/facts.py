"""The facts rules are written against, and the catalogue of their dotted field paths.

Two kinds of fact come out of a supplier's template:

* a **smelter fact** for every row of the Smelter List: the row as reported, the row as
  resolved against the RMI reference (CID, standard name, ISO country, RMAP status, match
  method and score), and, for context, that metal's declaration answers, the company
  questions, the supplier and the template;
* a **declaration fact** for every metal in the template: the answers to questions 1-8 (or
  the EMRT/CRT equivalents), counts derived from the smelter list, the company questions,
  the supplier and the template.

Field names follow the CMRT's own structure (see docs/facts.md for the cell each comes from).
Every field is optional so a partially filled template, or a rule test that names only the
fields it cares about, is still a valid fact; rules treat an absent field as *missing*.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Metal = Literal[
    "tin", "tantalum", "tungsten", "gold", "cobalt", "mica",
    "copper", "graphite", "lithium", "nickel",
]
YesNoUnknown = Literal["yes", "no", "unknown"]
# Every dropdown answer the templates offer to a yes/no question, normalised.
Answer = Literal["yes", "no", "unknown", "not_applicable", "not_declaring"]
CahraAnswer = Literal["yes", "no", "unknown", "not_applicable", "not_declaring", "drc_only",
                      "india_madagascar_only", "drc_or_adjoining_only"]
AuditedAnswer = Literal["yes", "no", "unknown", "yes_when_validated"]
RmapStatus = Literal[
    "conformant", "active", "in_communication", "not_enrolled", "non_conformant",
    "suspended", "unknown",
]
MatchMethod = Literal["cid", "alias", "fuzzy", "none"]
RowState = Literal["listed", "not_listed", "not_yet_identified"]
ResponseRate = Literal["100%", "greater_than_90%", "greater_than_75%", "greater_than_50%",
                       "50%_or_less", "none", "did_not_survey"]
TemplateType = Literal["cmrt", "emrt", "crt"]
Scope = Literal["company", "product", "user_defined"]
SurveyMethod = Literal["template", "other_format", "no"]
Disclosure = Literal["sec", "eu", "sec_and_eu", "no"]
FactKind = Literal["smelter", "declaration"]


class CountryCode:
    """Marker: the annotated string is an ISO 3166-1 alpha-2 code."""


Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$"), CountryCode]
Text = Annotated[str, StringConstraints(max_length=4000)]
# Bounded so every value fits the engine's 64-bit integers (counts, days).
Count = Annotated[int, Field(ge=0, le=10_000_000)]


class _Part(BaseModel):
    # No NaN or infinity: they have no order, and the engine's JSON cannot carry them.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Smelter(_Part):
    """One Smelter List row, as reported (columns A-Q) and as resolved against the reference."""

    metal: Metal | None = Field(None, description="Metal (column B)")
    row_state: RowState | None = Field(
        None, description="listed, or the template's 'Smelter not listed' / 'not yet identified'")
    lookup_name: Text | None = Field(None, description="Smelter look-up name chosen (column C)")
    name: Text | None = Field(None, description="Smelter name as reported (column D)")
    country_name: Text | None = Field(None, description="Country as reported (column E)")
    country: Country | None = Field(None, description="ISO code of the reported country")
    cid: Text | None = Field(None, description="Smelter identification as reported (column F)")
    id_source: Text | None = Field(None, description="Source of the identification (column G)")
    street: Text | None = Field(None, description="Street (column H)")
    city: Text | None = Field(None, description="City (column I)")
    state_province: Text | None = Field(None, description="State / province (column J)")
    contact_name: Text | None = Field(None, description="Smelter contact name (column K)")
    contact_email: Text | None = Field(None, description="Smelter contact email (column L)")
    next_steps: Text | None = Field(None, description="Proposed next steps (column M)")
    mine_names: Text | None = Field(None, description="Mine name(s) or recycled/scrap (column N)")
    mine_country_name: Text | None = Field(None, description="Mine country as reported (column O)")
    mine_country: Country | None = Field(None, description="ISO code of the mine country")
    recycled_scrap: YesNoUnknown | None = Field(
        None, description="Feedstock 100% recycled or scrap (column P)")
    comments: Text | None = Field(None, description="Comments (column Q)")
    resolved_cid: Text | None = Field(None, description="CID after resolution against reference")
    standard_name: Text | None = Field(None, description="RMI standard smelter name")
    reference_country: Country | None = Field(None, description="Country in the RMI reference")
    match_method: MatchMethod | None = Field(None, description="How the row was resolved")
    match_score: float | None = Field(None, ge=0, le=100, description="Name match score, 0-100")
    rmap_status: RmapStatus | None = Field(None, description="Normalised RMAP audit status")
    rmap_status_raw: Text | None = Field(None, description="RMAP status as published")
    rmap_status_date: dt.date | None = Field(None, description="Date of the RMAP status")
    country_mismatch: bool | None = Field(
        None, description="Reported country differs from the reference country")
    cid_valid: bool | None = Field(None, description="The reported CID is CID + six digits")
    duplicate: bool | None = Field(
        None, description="An earlier row of the same declaration names the same smelter")


class Declaration(_Part):
    """A supplier's answers for one metal (questions 1-8) and counts from its smelter list."""

    metal: Metal | None = Field(None, description="Metal the answers are about")
    in_scope: bool | None = Field(None, description="Q1 or Q2 answered Yes")
    q1_intentionally_added: Answer | None = Field(None, description="Q1: intentionally added")
    q2_remains_in_product: Answer | None = Field(None, description="Q2: remains in the product")
    q3_covered_countries: Answer | None = Field(
        None, description="Q3: sourced from the covered countries")
    q4_cahra: CahraAnswer | None = Field(
        None, description="Q4: sourced from conflict-affected and high-risk areas")
    q5_recycled_scrap: Answer | None = Field(
        None, description="Q5: 100% from recycled or scrap sources")
    q6_response_rate: ResponseRate | None = Field(
        None, description="Q6: share of relevant suppliers that responded")
    q6_response_rate_min: float | None = Field(
        None, ge=0, le=1, description="Q6 as the lowest share it allows (0.0-1.0)")
    q7_all_smelters_identified: Answer | None = Field(
        None, description="Q7: all smelters identified")
    q8_all_smelters_reported: Answer | None = Field(
        None, description="Q8: all smelter information received reported")
    smelter_rows: Count | None = Field(None, description="Smelter List rows for this metal")
    smelters_identified: Count | None = Field(None, description="Rows resolved to a CID")
    smelters_conformant: Count | None = Field(None, description="Rows RMAP conformant")
    smelters_not_listed: Count | None = Field(None, description="'Smelter not listed' rows")
    smelters_not_yet_identified: Count | None = Field(
        None, description="'Smelter not yet identified' rows")
    mines_listed: Count | None = Field(
        None, description="Mine List rows for this metal (EMRT 2.x)")


class Company(_Part):
    """Company-level questions A-H of the Declaration sheet."""

    policy_established: Answer | None = Field(None, description="A: sourcing policy in place")
    policy_public: Answer | None = Field(None, description="B: policy public on a website")
    policy_url: Text | None = Field(None, description="B: the policy's URL (comment cell)")
    requires_audited_smelters: AuditedAnswer | None = Field(
        None, description="C: requires suppliers to source from audited smelters")
    policy_covers_annex2: Answer | None = Field(
        None, description="CRT B: policy covers all Annex II risks and child labour")
    requires_supplier_dd: Answer | None = Field(
        None, description="Requires suppliers to exercise OECD due diligence")
    requires_supplier_dd_annex2: Answer | None = Field(
        None, description="CRT F: requires suppliers' due diligence to cover Annex II risks")
    due_diligence_implemented: Answer | None = Field(
        None, description="D: due diligence measures implemented")
    surveys_suppliers: SurveyMethod | None = Field(
        None, description="E: conducts surveys of relevant suppliers")
    reviews_supplier_dd: Answer | None = Field(
        None, description="F: reviews suppliers' due diligence information")
    corrective_action_review: Answer | None = Field(
        None, description="G: review includes corrective action management")
    annual_disclosure: Disclosure | None = Field(
        None, description="H: required to file an annual disclosure")


class Supplier(_Part):
    """The responding company as named on the Declaration sheet."""

    name: Text | None = Field(None, description="Company name (D8)")
    company_id: Text | None = Field(None, description="Company unique ID (D12)")
    company_id_authority: Text | None = Field(None, description="Its authority (D13)")
    address: Text | None = Field(None, description="Address (D14)")
    contact_name: Text | None = Field(None, description="Contact name (D15)")
    contact_email: Text | None = Field(None, description="Contact email (D16)")
    contact_phone: Text | None = Field(None, description="Contact phone (D17)")
    authorizer: Text | None = Field(None, description="Authorizer (D18)")
    authorizer_title: Text | None = Field(None, description="Authorizer's title (D19)")
    authorizer_email: Text | None = Field(None, description="Authorizer's email (D20)")
    authorizer_phone: Text | None = Field(None, description="Authorizer's phone (D21)")
    scope: Scope | None = Field(None, description="Declaration scope (D9)")
    scope_description: Text | None = Field(None, description="Description of scope (D10)")
    effective_date: dt.date | None = Field(None, description="Effective date (D22)")
    products_listed: Count | None = Field(
        None, description="Rows on the Product List (required when the scope is B)")
    declaration_age_days: int | None = Field(
        None, ge=-1_000_000, le=1_000_000,
        description="Days from the effective date to the evaluation date")


class Template(_Part):
    """Which RMI template and version the supplier used."""

    type: TemplateType | None = Field(None, description="cmrt, emrt or crt")
    version: float | None = Field(None, ge=0, le=1000, description="Template revision, e.g. 6.5")
    language: Text | None = Field(None, description="Language chosen in the template")


class Provenance(_Part):
    """Where a fact came from, so a finding can point at the supplier's cell."""

    file: str | None = None
    sha256: str | None = None
    sheet: str | None = None
    row: int | None = None
    cell: str | None = None
    cells: dict[str, str] = Field(
        default_factory=dict, description="Cell of each field read from the file, by path")


class _Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    supplier: Supplier = Field(default_factory=Supplier)
    template: Template = Field(default_factory=Template)
    company: Company = Field(default_factory=Company)
    declaration: Declaration = Field(default_factory=Declaration)
    provenance: Provenance = Field(default_factory=Provenance)


class SmelterFact(_Fact):
    """One smelter row with its context."""

    kind: Literal["smelter"] = "smelter"
    smelter: Smelter = Field(default_factory=Smelter)


class DeclarationFact(_Fact):
    """One supplier's declaration for one metal with its context."""

    kind: Literal["declaration"] = "declaration"


Fact = Annotated[Union[SmelterFact, DeclarationFact], Field(discriminator="kind")]  # noqa: UP007
FACT_MODELS: dict[str, type[_Fact]] = {"smelter": SmelterFact, "declaration": DeclarationFact}
# Not rule inputs: provenance says where a fact came from, never whether it is risky.
_NOT_RULE_FIELDS = {"provenance", "kind"}

ScalarKind = Literal["string", "enum", "country", "integer", "number", "boolean", "date"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One dotted field path a rule may read, with its type."""

    path: str
    kind: ScalarKind
    description: str = ""
    values: tuple[str, ...] = ()

    @property
    def ordered(self) -> bool:
        """Whether lt/le/gt/ge make sense on this field."""
        return self.kind in {"integer", "number", "date"}

    def type_label(self) -> str:
        if self.kind == "enum":
            return "one of " + ", ".join(self.values)
        return self.kind


def _scalar_kind(annotation: Any) -> tuple[ScalarKind, tuple[str, ...]]:
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _scalar_kind(inner[0])
    if origin is Annotated:
        if CountryCode in args[1:]:
            return "country", ()
        return _scalar_kind(args[0])
    if origin is Literal:
        return "enum", tuple(str(a) for a in args)
    kinds: dict[Any, ScalarKind] = {
        str: "string", int: "integer", float: "number", bool: "boolean", dt.date: "date"}
    return kinds[annotation], ()


def _catalogue_for(model: type[BaseModel]) -> dict[str, FieldSpec]:
    out: dict[str, FieldSpec] = {}
    for name, info in model.model_fields.items():
        if name in _NOT_RULE_FIELDS:
            continue
        part = info.annotation
        assert isinstance(part, type) and issubclass(part, BaseModel)
        for sub, sub_info in part.model_fields.items():
            kind, values = _scalar_kind(sub_info.annotation)
            path = f"{name}.{sub}"
            out[path] = FieldSpec(path, kind, sub_info.description or "", values)
    return out


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every field path rules may read, per fact kind."""

    fields: dict[str, dict[str, FieldSpec]]

    def for_kind(self, kind: str) -> dict[str, FieldSpec]:
        return self.fields[kind]

    def lookup(self, kind: str, path: str) -> FieldSpec | None:
        return self.fields.get(kind, {}).get(path)


def build_catalogue() -> Catalogue:
    """The catalogue derived from the fact models (the single source of truth)."""
    return Catalogue({kind: _catalogue_for(model) for kind, model in FACT_MODELS.items()})


CATALOGUE = build_catalogue()
