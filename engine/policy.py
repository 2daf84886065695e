"""A company policy: which minerals and rule packs apply, overrides, and the action catalogue.

Policies are data (policies/*.yaml). Pack and list names resolve first beside the policy
file, then in the bundled rules folder, so a copied policy keeps working.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .errors import LoadError, Location, Problem, display_path
from .facts import Metal
from .paths import bundled_rules
from .rules.conditions import suggest
from .rules.loader import RulePack, _Loader, bundled_lists, bundled_parameters, check_rules
from .rules.model import RISKS, Rule, Severity
from .rules.schema_models import ActionId, RuleId
from .runtime import Evaluator
from .yamlsrc import load_yaml, location_of


class OverrideModel(BaseModel):
    """A policy's change to one rule."""

    model_config = ConfigDict(extra="forbid")
    severity: Severity | None = None
    enabled: bool | None = None
    reason: str | None = Field(None, description="Why the company departs from the pack")


class ActionModel(BaseModel):
    """An action the policy can prescribe."""

    model_config = ConfigDict(extra="forbid")
    title: Annotated[str, StringConstraints(min_length=1)]
    owner: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="Role responsible, e.g. compliance-analyst")
    due_days: int = Field(gt=0, description="Days allowed from the finding to completion")


class ResponseModel(BaseModel):
    """What the company does when a risk of one category is identified (OECD step 3)."""

    model_config = ConfigDict(extra="forbid")
    strategy: Literal["suspend-or-disengage", "risk-management-plan", "monitor",
                      "correct-data"] = Field(description="The Annex II response")
    description: str | None = None
    actions: list[ActionId] = Field(min_length=1, description="Actions opened at once")
    review_days: int | None = Field(
        None, gt=0, description="Review period for measurable improvement (Annex II: 6 months)")
    after_failed_review: list[ActionId] = Field(
        default_factory=list, description="Actions when the review finds no improvement")


class PolicyModel(BaseModel):
    """The policy file."""

    model_config = ConfigDict(extra="forbid")
    policy: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]
    title: Annotated[str, StringConstraints(min_length=1)]
    description: str | None = None
    minerals: list[Metal] = Field(min_length=1, description="Minerals in scope")
    packs: list[str] = Field(min_length=1, description="Rule packs and list folders to load")
    union_importer: bool = Field(
        False, description="Bound by Regulation (EU) 2017/821 as a Union importer")
    overrides: dict[RuleId, OverrideModel] = Field(default_factory=dict)
    actions: dict[ActionId, ActionModel] = Field(default_factory=dict)
    responses: dict[str, ResponseModel] = Field(
        default_factory=dict, description="Response strategy per risk category")
    parameters: dict[str, int | float | str | dt.date] = Field(
        default_factory=dict, description="The policy's thresholds, overriding the packs' "
        "defaults (rules/parameters.yaml)")


@dataclass(frozen=True)
class Policy:
    """A loaded policy with its effective rules (overrides and mineral scope applied)."""

    name: str
    title: str
    minerals: tuple[str, ...]
    rules: tuple[Rule, ...]
    pack: RulePack
    actions: dict[str, ActionModel]
    responses: dict[str, ResponseModel]
    source: str
    digest: str

    def evaluator(self, **kwargs: int) -> Evaluator:
        """A new evaluator for this policy's rules (close it, or use it as a context)."""
        return Evaluator(self.rules, **kwargs)


def resolve_pack(name: str, base: Path) -> Path:
    """A pack name or path, beside the policy file first, else in the bundled rules."""
    local = (base / name)
    if local.exists():
        return local
    return bundled_rules() / name


def check_policy(path: Path) -> tuple[Policy | None, list[Problem]]:
    """Load a policy and everything it names; (policy or None, problems)."""
    data, problems = load_yaml(path)
    file = display_path(path)
    if problems:
        return None, problems
    if data is None:
        return None, [Problem(Location(file), "empty policy file")]
    loader = _Loader()
    file_loc = location_of(data) or Location(file)
    try:
        model = PolicyModel.model_validate(data)
    except ValidationError as exc:
        loader.pydantic_problems(exc, data, file_loc, "-", model=PolicyModel)
        return None, loader.problems
    pack_paths = []
    for i, name in enumerate(model.packs):
        resolved = resolve_pack(name, path.parent)
        if not resolved.exists():
            loader.problems.append(Problem(location_of(data["packs"], i) or file_loc,
                                           f"no rule pack named '{name}' beside the policy or "
                                           "in the bundled rules", field=f"packs[{i}]"))
        pack_paths.append(resolved)
    if loader.problems:
        return None, loader.problems
    # Bundled lists are part of the product: a policy may narrow its packs and still use them.
    defaults = bundled_parameters()
    for name in model.parameters:
        if name not in defaults:
            loader.problems.append(Problem(location_of(data["parameters"], name) or file_loc,
                                           f"unknown parameter '{name}'"
                                           f"{suggest(name, defaults)}",
                                           field=f"parameters.{name}"))
    if loader.problems:
        return None, loader.problems
    pack, pack_problems = check_rules(pack_paths, bundled_lists(),
                                      {**defaults, **model.parameters})
    if pack is None:
        return None, pack_problems
    rules, more = _apply(model, pack, data, file_loc)
    if more:
        return None, more
    digest = hashlib.sha256(path.read_bytes() + pack.digest.encode()).hexdigest()
    return Policy(model.policy, model.title, tuple(model.minerals), rules, pack,
                  dict(model.actions), dict(model.responses), file, digest), []


def _apply(model: PolicyModel, pack: RulePack, data: dict, file_loc: Location
           ) -> tuple[tuple[Rule, ...], list[Problem]]:
    problems: list[Problem] = []
    known = {rule.id for rule in pack.rules}
    for rule_id in model.overrides:
        if rule_id not in known:
            loc = location_of(data["overrides"], rule_id) or file_loc
            problems.append(Problem(loc, f"override names unknown rule{suggest(rule_id, known)}",
                                    rule_id, f"overrides.{rule_id}"))
    if model.actions:
        for rule in pack.rules:
            for i, then in enumerate(rule.then):
                if then.action not in model.actions:
                    problems.append(Problem(rule.loc or file_loc,
                                            f"action '{then.action}' is not in policy "
                                            f"'{model.policy}' ({file_loc.file})"
                                            f"{suggest(then.action, model.actions)}",
                                            rule.id, f"then[{i}].action"))
    for risk, response in model.responses.items():
        loc = location_of(data["responses"], risk) or file_loc
        if risk not in RISKS:
            problems.append(Problem(loc, f"unknown risk category '{risk}'{suggest(risk, RISKS)}",
                                    field=f"responses.{risk}"))
        for action in [*response.actions, *response.after_failed_review]:
            if model.actions and action not in model.actions:
                problems.append(Problem(loc, f"action '{action}' is not in the policy's "
                                        f"actions{suggest(action, model.actions)}",
                                        field=f"responses.{risk}"))
    if model.responses:
        for risk in sorted({r.risk for r in pack.rules if r.enabled} - set(model.responses)):
            users = ", ".join(r.id for r in pack.rules if r.risk == risk)[:120]
            problems.append(Problem(location_of(data, "responses") or file_loc,
                                    f"no response for risk '{risk}' (used by {users})",
                                    field="responses"))
    scope = set(model.minerals)
    rules = []
    for rule in pack.rules:
        override = model.overrides.get(rule.id)
        changes: dict[str, object] = {}
        if override is not None:
            if override.severity is not None:
                changes["severity"] = override.severity
            if override.enabled is not None:
                changes["enabled"] = override.enabled
        minerals = tuple(m for m in (rule.minerals or model.minerals) if m in scope)
        if minerals != rule.minerals:
            changes["minerals"] = minerals
        if minerals:
            rules.append(dataclasses.replace(rule, **changes) if changes else rule)
    return tuple(rules), problems


def load_policy(path: Path | str) -> Policy:
    """Load a policy file; raise `LoadError` with every problem found."""
    policy, problems = check_policy(Path(path))
    if policy is None:
        raise LoadError(problems)
    return policy
