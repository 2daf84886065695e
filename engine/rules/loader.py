"""Load rule and list files into a `RulePack`, collecting every located problem.

A folder may mix rule files (a YAML list of rules) and list files (a mapping with `list:`).
Lists load first so rules can refer to them as `$name`; rule ids must be unique across all
files loaded together.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import LoadError, Location, Problem, display_path
from ..facts import CATALOGUE, FACT_MODELS
from ..yamlsrc import LocDict, iter_yaml_files, key_location, load_yaml, location_of, walk_to
from .conditions import ParseContext, parse_condition, suggest
from .model import RISKS, MessageTemplate, NamedList, Rule, RuleTest, ThenAction
from .schema_models import ListEntryModel, ListModel, ParametersModel, RuleModel


@dataclass(frozen=True)
class RulePack:
    """Validated rules and the lists they use, with a digest of the files they came from."""

    rules: tuple[Rule, ...]
    lists: dict[str, NamedList]
    files: tuple[str, ...]
    digest: str
    warnings: tuple[Problem, ...] = ()

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


@dataclass
class _Source:
    path: Path
    data: Any


@dataclass
class _Loader:
    problems: list[Problem] = field(default_factory=list)

    def pydantic_problems(self, exc: ValidationError, raw: Any, file_loc: Location,
                          rule_id: str, prefix: tuple[Any, ...] = (),
                          model: type[BaseModel] | None = None) -> None:
        for err in exc.errors():
            loc_path = tuple(err["loc"])
            node, loc = walk_to(raw, loc_path[:-1] if err["type"] == "extra_forbidden"
                                else loc_path)
            field_name = _field_label(prefix + loc_path)
            if err["type"] == "extra_forbidden":
                key = loc_path[-1]
                kloc = key_location(node, key) if isinstance(node, dict) else None
                allowed = _allowed_keys(model, loc_path[:-1]) if model else []
                message = f"unknown key '{key}'{suggest(key, allowed)}"
                self.problems.append(Problem(kloc or loc or file_loc, message, rule_id,
                                             field_name))
            elif err["type"] == "missing":
                self.problems.append(Problem(loc or file_loc, "required key is missing",
                                             rule_id, field_name))
            else:
                message = _clean(err["msg"])
                if err["type"] == "literal_error" and isinstance(err.get("input"), str):
                    expected = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected")))
                    message += suggest(err["input"], expected)
                self.problems.append(Problem(loc or file_loc, message, rule_id, field_name))


def _clean(msg: str) -> str:
    return msg[0].lower() + msg[1:] if msg else msg


def _field_label(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _allowed_keys(model: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        current = info.annotation
        args = getattr(current, "__args__", None)
        if args:
            current = next((a for a in args if hasattr(a, "model_fields")), current)
    return list(getattr(current, "model_fields", {}))


def bundled_lists() -> list[NamedList]:
    """The named lists shipped with assay, available to every rule file and policy."""
    from ..paths import bundled_rules

    pack, _ = check_rules([bundled_rules() / "lists"])
    return list(pack.lists.values()) if pack else []


def bundled_parameters() -> dict[str, Any]:
    """The default thresholds shipped with assay (rules/parameters.yaml)."""
    from ..paths import bundled_rules

    path = bundled_rules() / "parameters.yaml"
    data, problems = load_yaml(path)
    if problems or data is None:
        return {}
    return _load_parameters(_Loader(), _Source(path, data))


def load_rules(paths: Sequence[Path | str], extra_lists: Iterable[NamedList] = ()) -> RulePack:
    """Load every rule and list file under `paths`; raise `LoadError` with all problems."""
    pack, problems = check_rules(paths, extra_lists)
    if problems or pack is None:
        raise LoadError(problems)
    return pack


def check_rules(paths: Sequence[Path | str], extra_lists: Iterable[NamedList] = (),
                parameters: dict[str, Any] | None = None
                ) -> tuple[RulePack | None, list[Problem]]:
    """Like `load_rules` but return (pack or None, problems) instead of raising."""
    loader = _Loader()
    sources: list[_Source] = []
    digest = hashlib.sha256()
    files: list[str] = []
    for path in iter_yaml_files([Path(p) for p in paths]):
        if not path.exists():
            loader.problems.append(Problem(Location(display_path(path)), "no such file or "
                                           "folder"))
            continue
        data, problems = load_yaml(path)
        loader.problems.extend(problems)
        files.append(display_path(path))
        with contextlib.suppress(OSError):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        if data is not None:
            sources.append(_Source(path, data))
    defaults: dict[str, Any] = {}
    for src in sources:
        if isinstance(src.data, dict) and "parameters" in src.data:
            defaults.update(_load_parameters(loader, src))
    values = {**defaults, **(parameters or {})}
    # Lists given by the caller (the bundled ones) yield to a list file of the same name.
    lists: dict[str, NamedList] = {lst.name: lst for lst in extra_lists}
    from_files: dict[str, NamedList] = {}
    rule_sources = []
    for src in sources:
        if isinstance(src.data, dict) and "list" in src.data:
            named = _load_list(loader, src)
            if named is None:
                continue
            if named.name in from_files:
                loader.problems.append(Problem(named.loc or Location(str(src.path)),
                                               f"duplicate list '{named.name}' (first at "
                                               f"{from_files[named.name].loc})", field="list"))
            from_files[named.name] = lists[named.name] = named
        elif isinstance(src.data, dict) and ("policy" in src.data or
                                             "parameters" in src.data):
            continue  # policies load through assay.engine.policy; parameters above
        else:
            rule_sources.append(src)
    _duplicate_ids(loader, rule_sources)
    rules = [rule for src in rule_sources
             for rule in _load_rule_file(loader, src, lists, values)]
    if loader.problems:
        return None, sorted(loader.problems, key=Problem.sort_key)
    return RulePack(tuple(rules), lists, tuple(files), digest.hexdigest()), []


def _duplicate_ids(loader: _Loader, sources: list[_Source]) -> None:
    """Rule ids are unique across every file loaded together, valid rules or not."""
    seen: dict[str, Location] = {}
    for src in sources:
        data = src.data["rules"] if isinstance(src.data, dict) and "rules" in src.data \
            else src.data
        if not isinstance(data, list):
            continue
        for index, raw in enumerate(data):
            if not (isinstance(raw, dict) and isinstance(raw.get("id"), str)):
                continue
            loc = location_of(raw, "id") or location_of(data, index) or Location(src.path.name)
            if raw["id"] in seen:
                loader.problems.append(Problem(loc, f"duplicate rule id (first defined at "
                                               f"{seen[raw['id']]})", raw["id"], "id"))
            else:
                seen[raw["id"]] = loc


def _load_list(loader: _Loader, src: _Source) -> NamedList | None:
    file_loc = location_of(src.data) or Location(display_path(src.path))
    try:
        model = ListModel.model_validate(src.data)
    except ValidationError as exc:
        loader.pydantic_problems(exc, src.data, file_loc, "-", model=ListModel)
        return None
    entries, notes = [], {}
    for entry in model.entries:
        if isinstance(entry, ListEntryModel):
            entries.append(entry.value)
            if entry.note:
                notes[entry.value] = entry.note
        else:
            entries.append(entry)
    if model.item_type == "country":
        from ..facts import FieldSpec
        from .conditions import _coerce_country

        spec = FieldSpec("entry", "country")
        for i, value in enumerate(entries):
            ok, msg = _coerce_country(spec, value)
            if not ok:
                loc = location_of(src.data["entries"], i) or file_loc
                loader.problems.append(Problem(loc, msg, "-", f"entries[{i}]"))
    return NamedList(model.list, model.title, model.source, model.retrieved, model.item_type,
                     tuple(entries), model.max_age_days, notes, file_loc, model.refresh)


def _load_parameters(loader: _Loader, src: _Source) -> dict[str, Any]:
    file_loc = location_of(src.data) or Location(display_path(src.path))
    try:
        model = ParametersModel.model_validate(src.data)
    except ValidationError as exc:
        loader.pydantic_problems(exc, src.data, file_loc, "-", model=ParametersModel)
        return {}
    return {name: p.value for name, p in model.parameters.items()}


def _load_rule_file(loader: _Loader, src: _Source, lists: dict[str, NamedList],
                    parameters: dict[str, Any]) -> list[Rule]:
    file_loc = location_of(src.data) or Location(display_path(src.path))
    data = src.data
    if isinstance(data, dict) and "rules" in data:
        data = data["rules"]
    if not isinstance(data, list):
        loader.problems.append(Problem(file_loc, "expected a list of rules (or a mapping with "
                                       "'list:' for a list file)"))
        return []
    out = []
    for index, raw in enumerate(data):
        rule = _load_rule(loader, raw, location_of(data, index) or file_loc)
        if rule is not None:
            rule = _finish_rule(loader, rule, raw, lists, parameters)
            if rule is not None:
                out.append(rule)
    return out


def _load_rule(loader: _Loader, raw: Any, loc: Location) -> tuple[RuleModel, Location] | None:
    rule_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else "-"
    if not isinstance(raw, dict):
        loader.problems.append(Problem(loc, "expected a rule (a mapping with id, title, ...)",
                                       rule_id))
        return None
    try:
        model = RuleModel.model_validate(raw)
    except ValidationError as exc:
        loader.pydantic_problems(exc, raw, loc, rule_id, model=RuleModel)
        # Still parse what we can so the author sees condition mistakes in the same pass.
        _salvage(loader, raw, loc, rule_id)
        return None
    return model, loc


def _salvage(loader: _Loader, raw: dict, loc: Location, rule_id: str) -> None:
    kind = raw.get("applies_to")
    if kind in FACT_MODELS and "when" in raw:
        ctx = ParseContext(rule_id, kind, {}, loc)
        parse_condition(raw["when"], ctx)
        loader.problems.extend(p for p in ctx.problems if "unknown list" not in p.message)


def _finish_rule(loader: _Loader, parsed: tuple[RuleModel, Location], raw: LocDict,
                 lists: dict[str, NamedList], parameters: dict[str, Any]) -> Rule | None:
    model, loc = parsed
    before = len(loader.problems)
    if model.risk not in RISKS:
        loader.problems.append(Problem(location_of(raw, "risk") or loc,
                                       f"unknown risk '{model.risk}'{suggest(model.risk, RISKS)}"
                                       f" (one of: {', '.join(RISKS)})", model.id, "risk"))
    ctx = ParseContext(model.id, model.applies_to, lists, location_of(raw, "when") or loc,
                       parameters=parameters)
    condition = parse_condition(raw["when"], ctx)
    loader.problems.extend(ctx.problems)
    then = []
    for i, item in enumerate(model.then):
        mloc = location_of(raw["then"][i], "message") or loc
        template = parse_message(loader, item.message, model.applies_to, mloc, model.id,
                                 f"then[{i}].message")
        if template is not None:
            then.append(ThenAction(item.action, template))
    tests = []
    for i, test in enumerate(model.tests):
        raw_test = raw["tests"][i]
        tloc = location_of(raw["tests"], i) or loc
        _check_test_fact(loader, test.fact, raw_test.get("fact"), model.applies_to, tloc,
                         model.id, f"tests[{i}].fact")
        if test.message is not None and test.expect != "fires":
            loader.problems.append(Problem(location_of(raw_test, "message") or tloc,
                                           "'message' only makes sense with expect: fires",
                                           model.id, f"tests[{i}].message"))
        tests.append(RuleTest(normalise_fact_input(test.fact, model.applies_to), test.expect,
                              test.name, test.message, tloc))
    if len(loader.problems) > before or condition is None:
        return None
    return Rule(model.id, model.title, model.applies_to, model.risk, model.severity,
                model.reference, condition, tuple(then),
                tuple(model.minerals) if model.minerals else None, model.description,
                tuple(tests), model.enabled, loc)


def parse_message(loader: _Loader, text: str, kind: str, loc: Location, rule_id: str,
                  field_name: str) -> MessageTemplate | None:
    """Check `{field}` placeholders against the catalogue."""
    names: list[str] = []
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        loader.problems.append(Problem(loc, f"bad message template: {exc} (write {{{{ for a "
                                       "literal brace)", rule_id, field_name))
        return None
    ok = True
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if spec or conversion:
            loader.problems.append(Problem(loc, f"placeholder {{{name}}} may not carry a format "
                                           "spec or conversion", rule_id, field_name))
            ok = False
        else:
            # {a|b} renders a, or b when a is missing.
            for alternative in name.split("|"):
                if CATALOGUE.lookup(kind, alternative) is None:
                    hint = suggest(alternative, CATALOGUE.for_kind(kind))
                    loader.problems.append(Problem(
                        loc, f"message names unknown field '{alternative}' for {kind} facts"
                        f"{hint}", rule_id, field_name))
                    ok = False
            names.append(name)
    return MessageTemplate(text, tuple(names)) if ok else None


def normalise_fact_input(fact: dict[str, Any], kind: str) -> dict[str, Any]:
    """Turn YAML's yes/no booleans into the template's words for yes/no fields."""
    out: dict[str, Any] = {}
    for part, values in fact.items():
        if not isinstance(values, dict):
            out[part] = values
            continue
        fixed = {}
        for name, value in values.items():
            spec = CATALOGUE.lookup(kind, f"{part}.{name}")
            if spec is not None and spec.kind == "enum" and isinstance(value, bool) \
                    and ("yes" in spec.values or "no" in spec.values):
                value = "yes" if value else "no"
            fixed[name] = value
        out[part] = fixed
    return out


def _check_test_fact(loader: _Loader, fact: dict[str, Any], raw: Any, kind: str,
                     loc: Location, rule_id: str, field_name: str) -> None:
    model = FACT_MODELS[kind]
    try:
        model.model_validate({**normalise_fact_input(fact, kind), "kind": kind})
    except ValidationError as exc:
        loader.pydantic_problems(exc, raw, location_of(raw) or loc, rule_id,
                                 prefix=(field_name,), model=model)
