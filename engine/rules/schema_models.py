"""Pydantic models of the files authors write (rules, lists); also the source of `assay schema`.

These describe the YAML *shape*; conditions are free-form here and parsed by `conditions.py`,
which knows the fact catalogue and gives better messages than a generic schema could.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..facts import Metal
from .model import Severity

RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")]
ActionId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
ListName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ThenModel(_Strict):
    """An action the rule proposes and the message a finding carries."""

    action: ActionId = Field(description="Id of an action in the policy's action catalogue")
    message: Text = Field(description="Message with {dotted.field} placeholders")


class TestModel(_Strict):
    """An inline rule test."""

    name: str | None = Field(None, description="What the case shows")
    fact: dict[str, Any] = Field(description="A partial fact, e.g. {smelter: {country: CD}}")
    expect: Literal["fires", "quiet"]
    message: str | None = Field(None, description="The exact message expected when it fires")


class RuleModel(_Strict):
    """One risk rule."""

    id: RuleId = Field(description="Stable id, e.g. OECD-ANNEX2-ARMED-001")
    title: Text = Field(description="One line a compliance officer understands")
    description: str | None = None
    applies_to: Literal["smelter", "declaration"]
    minerals: list[Metal] | None = Field(None, description="Limit the rule to these metals")
    risk: str = Field(description="Annex II category or red flag the rule evidences")
    severity: Severity
    reference: Annotated[str, StringConstraints(min_length=3)] = Field(
        description="The guidance paragraph the rule rests on")
    enabled: bool = True
    when: Any = Field(description="Condition: all/any/not over `field: {operator: value}`")
    then: list[ThenModel] = Field(min_length=1)
    tests: list[TestModel] = Field(default_factory=list)


class ListEntryModel(_Strict):
    value: str
    note: str | None = None


class ListModel(_Strict):
    """A named list used by rules as `$name`."""

    list: ListName
    title: Text
    source: Text = Field(description="Where the entries come from")
    retrieved: dt.date = Field(description="When they were taken from the source")
    max_age_days: int | None = Field(None, gt=0, description="Warn when older than this")
    refresh: str | None = Field(None, description="How to get the current version")
    item_type: Literal["country", "string"] = "string"
    entries: list[str | ListEntryModel]


class ParameterModel(_Strict):
    """A threshold rules refer to as `$name`; a policy may set its own value."""

    value: int | float | str | dt.date = Field(description="Default value")
    description: Text


class ParametersModel(_Strict):
    """A parameters file: the pack's thresholds and their defaults."""

    parameters: dict[ListName, ParameterModel]
