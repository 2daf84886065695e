"""JSON Schemas of the files authors write, for editors (`yaml-language-server`) and docs.

Generated from the same pydantic models the loader validates with; the condition grammar is
added by hand from the fact catalogue so an editor can complete field paths and operators.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from .facts import CATALOGUE
from .policy import PolicyModel
from .rules.model import OPERATORS, RISKS
from .rules.schema_models import ListModel, ParametersModel, RuleModel


def _condition_schema() -> dict[str, Any]:
    paths = sorted({p for kind in CATALOGUE.fields.values() for p in kind})
    operators = {
        "type": "object",
        "properties": {op: {} for op in OPERATORS},
        "additionalProperties": False,
        "minProperties": 1,
    }
    ref = {"$ref": "#/$defs/Condition"}
    return {
        "description": "all/any/not, or {field.path: {operator: value}} (a bare value means "
                       "equals)",
        "type": "object",
        "minProperties": 1,
        "properties": {
            "all": {"type": "array", "items": ref, "minItems": 1},
            "any": {"type": "array", "items": ref, "minItems": 1},
            "not": ref,
            **{p: {"anyOf": [operators, {"type": ["string", "number", "boolean"]}]}
               for p in paths},
        },
        "additionalProperties": False,
    }


def rules_schema() -> dict[str, Any]:
    """Schema of a rule file: a list of rules."""
    schema = TypeAdapter(list[RuleModel]).json_schema()
    defs = schema.setdefault("$defs", {})
    defs["Condition"] = _condition_schema()
    defs["RuleModel"]["properties"]["when"] = {"$ref": "#/$defs/Condition"}
    defs["RuleModel"]["properties"]["risk"]["enum"] = list(RISKS)
    schema["title"] = "assay rule file"
    return schema


def list_schema() -> dict[str, Any]:
    """Schema of a named-list file."""
    schema = ListModel.model_json_schema()
    schema["title"] = "assay list file"
    return schema


def policy_schema() -> dict[str, Any]:
    """Schema of a policy file."""
    schema = PolicyModel.model_json_schema()
    schema["title"] = "assay policy file"
    return schema


def parameters_schema() -> dict[str, Any]:
    """Schema of a parameters file."""
    schema = ParametersModel.model_json_schema()
    schema["title"] = "assay parameters file"
    return schema


SCHEMAS = {"rules": rules_schema, "list": list_schema, "policy": policy_schema,
           "parameters": parameters_schema}
