"""The `assay` command. Each command parses arguments, calls the library, prints the result.

Exit codes (docs/cli.md): 0 success; 1 findings at or above --fail-on, or a check or test
failed; 2 usage error or unreadable input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from assay.engine import (
    CATALOGUE,
    LoadError,
    bundled_rules,
    check,
    default_policy,
    explain,
    load_pack,
    load_policy,
    run_tests,
)
from assay.engine.errors import display_path
from assay.engine.ingest import IngestError, Reference, load_statuses, read_file, supplier_files
from assay.engine.ingest.jsonfacts import read_fact_items
from assay.engine.ingest.rmap import (
    STALE_AFTER_DAYS,
    read_status_list,
    save_statuses,
    status_path,
)
from assay.engine.rules.model import SEVERITIES
from assay.engine.rulesdoc import pack_of
from assay.engine.rulesdoc import render as render_rules_doc
from assay.engine.schema import SCHEMAS

from .output import to_csv, to_json, to_table, write_atomic

app = typer.Typer(
    name="assay",
    help="Responsible-minerals due diligence: supplier templates checked against OECD rules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Inspect the loaded rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
reference_app = typer.Typer(help="The smelter reference and RMAP statuses.",
                            no_args_is_help=True)
app.add_typer(reference_app, name="reference")

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class SchemaKind(StrEnum):
    rules = "rules"
    list = "list"
    policy = "policy"
    parameters = "parameters"


def _version() -> str:
    from importlib.metadata import version

    digest = hashlib.sha256()
    for path in sorted(bundled_rules().rglob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"assay {version('assay')} (bundled rules {digest.hexdigest()[:12]})"


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(_version())
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version_callback,
                                          is_eager=True, help="Show version and exit.")] = False,
) -> None:
    """assay: responsible-minerals due diligence."""


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)


def _fail(message: str, code: int = EXIT_INPUT) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


PathsArg = Annotated[list[Path] | None, typer.Argument(
    help="Rule, list and policy files or folders (default: the bundled ones).")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]


@app.command("check")
def check_cmd(paths: PathsArg = None, fmt: FormatOpt = Format.table) -> None:
    """Validate rule, list and policy files; print every problem with its place."""
    problems = check(paths or [])
    errors = [p for p in problems if p.severity == "error"]
    if fmt in (Format.json, Format.jsonl):
        items = [{"file": p.location.file, "line": p.location.line, "column": p.location.column,
                  "rule": p.rule_id, "field": p.field, "severity": p.severity,
                  "message": p.message} for p in problems]
        text = to_json(items) if fmt is Format.json else "".join(
            json.dumps(i, ensure_ascii=False) + "\n" for i in items)
        sys.stdout.write(text)
    else:
        for problem in problems:
            prefix = "warning: " if problem.severity == "warning" else ""
            typer.echo(f"{prefix}{problem}")
        where = ", ".join(display_path(p) for p in paths) if paths else "bundled rules and policies"
        typer.echo(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s) in {where}",
                   err=True)
    raise typer.Exit(EXIT_FINDINGS if errors else EXIT_OK)


@app.command("test")
def test_cmd(paths: PathsArg = None, fmt: FormatOpt = Format.table,
             verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                                   help="List passing tests too.")] = False
             ) -> None:
    """Run every rule's inline tests on the compiled engine and the reference evaluator."""
    try:
        pack = load_pack(paths or [])
    except LoadError as exc:
        raise _fail(str(exc)) from None
    report = run_tests(pack.rules)
    if fmt in (Format.json, Format.jsonl):
        rows = [{"rule": o.rule.id, "test": o.label, "passed": o.passed, "detail": o.detail}
                for o in report.outcomes]
        sys.stdout.write(to_json({"tests": rows, "untested": [r.id for r in report.untested],
                                  "coverage_gaps": [{"rule": r.id, "gap": g}
                                                    for r, g in report.one_sided]}))
    else:
        by_rule: dict[str, list] = {}
        for outcome in report.outcomes:
            by_rule.setdefault(outcome.rule.id, []).append(outcome)
        for rule_id, outcomes in by_rule.items():
            bad = [o for o in outcomes if not o.passed]
            status = "FAIL" if bad else "ok  "
            typer.echo(f"{status} {rule_id} ({len(outcomes) - len(bad)}/{len(outcomes)})")
            for outcome in outcomes if verbose else bad:
                mark = "  ✓" if outcome.passed else "  ✗"
                where = f" [{outcome.test.loc}]" if outcome.test.loc else ""
                detail = f": {outcome.detail}" if outcome.detail else ""
                typer.echo(f"{mark} {outcome.label}{where}{detail}")
        for rule in report.untested:
            typer.echo(f"none {rule.id}: no tests ({rule.loc})")
        for rule, gap in report.one_sided:
            typer.echo(f"half {rule.id}: {gap} ({rule.loc})")
        passed = len(report.outcomes) - len(report.failed)
        typer.echo(f"{passed} passed, {len(report.failed)} failed, "
                   f"{len(report.untested)} rule(s) without tests, "
                   f"{len(report.one_sided)} coverage gap(s)")
    raise typer.Exit(EXIT_OK if report.ok else EXIT_FINDINGS)


@app.command("explain")
def explain_cmd(
    rule_id: Annotated[str, typer.Argument(help="Rule id, e.g. RMAP-STATUS-001.")],
    fact_file: Annotated[Path, typer.Option("--fact", help="A JSON file holding one fact.")],
    rules: Annotated[list[Path] | None, typer.Option(
        "--rules", help="Rule files or folders (default: the bundled ones).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Show, condition by condition, why a rule fires or stays quiet on a fact."""
    try:
        pack = load_pack(rules or [])
    except LoadError as exc:
        raise _fail(str(exc)) from None
    try:
        rule = pack.rule(rule_id)
    except KeyError:
        from assay.engine.rules.conditions import suggest

        raise _fail(f"unknown rule {rule_id}{suggest(rule_id, [r.id for r in pack.rules])}"
                    ) from None
    try:
        items = list(read_fact_items(fact_file, display_path(fact_file)))
    except IngestError as exc:
        raise _fail(str(exc)) from None
    if len(items) != 1:
        raise _fail(f"{display_path(fact_file)}: expected one fact, found {len(items)}")
    item = {**items[0], "kind": items[0].get("kind", rule.applies_to)}
    model = {"smelter": "SmelterFact", "declaration": "DeclarationFact"}[item["kind"]]
    from assay.engine import facts as fact_models

    try:
        fact = getattr(fact_models, model).model_validate(item)
    except Exception as exc:
        raise _fail(f"{display_path(fact_file)}: invalid fact: {exc}") from None
    step = explain(rule, fact)
    if fmt in (Format.json, Format.jsonl):
        sys.stdout.write(to_json(_step_dict(step)))
    else:
        typer.echo("\n".join(step.lines()))
        typer.echo(f"=> {rule.id} {'fires' if step.held else 'stays quiet'}")


def _step_dict(step) -> dict:
    return {"condition": step.text, "held": step.held, "fact_value": step.value,
            "children": [_step_dict(c) for c in step.children]}


@app.command("schema")
def schema_cmd(
    kind: Annotated[SchemaKind, typer.Argument(help="Which file's schema.")] = SchemaKind.rules,
    output: OutputOpt = None,
) -> None:
    """Print the JSON Schema of rule, list or policy files (for editors)."""
    _emit(to_json(SCHEMAS[kind.value]()), output)


@rules_app.command("list")
def rules_list_cmd(paths: PathsArg = None, fmt: FormatOpt = Format.table,
                   output: OutputOpt = None,
                   pack_name: Annotated[str | None, typer.Option(
                       "--pack", help="Only rules of this pack, e.g. oecd/annex2 or rmap.")
                   ] = None) -> None:
    """List the rules with their id, pack, severity, risk and title."""
    try:
        pack = load_pack(paths or [])
    except LoadError as exc:
        raise _fail(str(exc)) from None
    chosen = [r for r in pack.rules if pack_name is None or pack_of(r) == pack_name
              or pack_of(r).startswith(pack_name.rstrip("/") + "/")]
    if pack_name is not None and not chosen:
        packs = sorted({pack_of(r) for r in pack.rules})
        raise _fail(f"--pack: no rules in pack '{pack_name}' (packs: {', '.join(packs)})")
    columns = ["id", "pack", "applies_to", "severity", "risk", "title", "tests"]
    rows = [[r.id, pack_of(r), r.applies_to, r.severity, r.risk, r.title, len(r.tests)]
            for r in chosen]
    _emit(_render(columns, rows, fmt, "Rules"), output)


@rules_app.command("docs")
def rules_docs_cmd(output: OutputOpt = None) -> None:
    """Write the rule catalogue page (docs/rules.md) for the bundled rules."""
    _emit(render_rules_doc(load_pack().rules), output)


@rules_app.command("fields")
def rules_fields_cmd(fmt: FormatOpt = Format.table, output: OutputOpt = None) -> None:
    """List the fact fields rules may read, with their types."""
    columns = ["fact", "field", "type", "description"]
    rows = [[kind, spec.path, spec.type_label(), spec.description]
            for kind, fields in CATALOGUE.fields.items() for spec in fields.values()]
    _emit(_render(columns, rows, fmt, "Fact fields"), output)


def _render(columns: list[str], rows: list[list], fmt: Format, title: str) -> str:
    if fmt is Format.csv:
        return to_csv(columns, rows)
    if fmt is Format.json:
        return to_json([dict(zip(columns, row, strict=True)) for row in rows])
    if fmt is Format.jsonl:
        return "".join(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False,
                                  default=str) + "\n" for row in rows)
    return to_table(columns, rows, title)


SeverityOpt = Annotated[str | None, typer.Option(
    "--fail-on", help=f"Exit 1 when a finding is at or above: {', '.join(SEVERITIES)}.")]


PathsIn = Annotated[list[Path], typer.Argument(
    help="Supplier files (.xlsx .xlsm .xls .ods, .csv, .json .jsonl) or folders.")]


def _statuses(quiet: bool):
    statuses = load_statuses()
    if quiet:
        return statuses
    if statuses is None:
        typer.echo("note: no RMAP status list imported, so smelters have no audit status "
                   "(assay reference import FILE)", err=True)
    elif statuses.age_days(dt.date.today()) > STALE_AFTER_DAYS:
        typer.echo(f"warning: the RMAP status list was imported {statuses.imported} "
                   f"({statuses.age_days(dt.date.today())} days ago); import a current one",
                   err=True)
    return statuses


def _read_all(paths: list[Path], failures: list[str], quiet: bool = False):
    """(file, facts) for every readable file; one line per unreadable file in `failures`."""
    statuses = _statuses(quiet)
    for path in supplier_files(paths):
        try:
            result = read_file(path, statuses=statuses)
        except IngestError as exc:
            failures.append(str(exc))
            continue
        if not quiet:
            for note in result.notes:
                typer.echo(f"note: {note}", err=True)
        yield result


@app.command("facts")
def facts_cmd(paths: PathsIn, fmt: FormatOpt = Format.table, output: OutputOpt = None,
              quiet: Annotated[bool, typer.Option("--quiet", "-q",
                                                  help="No notes on stderr.")] = False) -> None:
    """Read supplier files and print the facts rules will see."""
    failures: list[str] = []
    facts = [fact for result in _read_all(paths, failures, quiet) for fact in result.facts]
    for failure in failures:
        typer.echo(failure, err=True)
    if fmt is Format.json:
        text = to_json([f.model_dump(mode="json", exclude_none=True) for f in facts])
    elif fmt is Format.jsonl:
        text = "".join(f.model_dump_json(exclude_none=True) + "\n" for f in facts)
    else:
        columns = ["kind", "supplier", "metal", "smelter / answers", "country", "cid", "match",
                   "source"]
        rows = [_fact_row(f) for f in facts]
        text = to_csv(columns, rows) if fmt is Format.csv else to_table(
            columns, rows, f"{len(facts)} fact(s)")
    _emit(text, output)
    raise typer.Exit(EXIT_INPUT if failures else EXIT_OK)


def _fact_row(fact) -> list:
    if fact.kind == "smelter":
        s = fact.smelter
        label = s.standard_name or s.name or s.lookup_name or s.row_state
        match = f"{s.match_method} {s.match_score:g}" if s.match_score else s.match_method
        return ["smelter", fact.supplier.name, s.metal, label, s.country,
                s.resolved_cid or s.cid, match, _source(fact.provenance)]
    d = fact.declaration
    answers = " ".join(f"{k.split('_')[0].upper()}={v}" for k, v in d.model_dump(
        exclude_none=True).items() if k.startswith("q") and not k.endswith("_min"))
    scope = "in scope" if d.in_scope else "out of scope" if d.in_scope is False else ""
    return ["declaration", fact.supplier.name, d.metal, f"{scope} {answers}".strip(), None,
            None, f"{d.smelter_rows or 0} row(s)", _source(fact.provenance)]


SeverityOpt = Annotated[str | None, typer.Option(
    "--fail-on", help=f"Exit 1 when a finding is at or above: {', '.join(SEVERITIES)}.")]


@app.command("evaluate")
def evaluate_cmd(
    paths: PathsIn,
    policy: Annotated[Path | None, typer.Option(
        "--policy", envvar="ASSAY_POLICY", help="Policy file (default: the bundled one).")
    ] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    fail_on: SeverityOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No notes on stderr.")] = False,
) -> None:
    """Evaluate supplier files against the policy's rules and print the findings."""
    if fail_on is not None and fail_on not in SEVERITIES:
        raise _fail(f"--fail-on: unknown severity '{fail_on}' (one of {', '.join(SEVERITIES)})")
    try:
        loaded = load_policy(policy or default_policy())
    except LoadError as exc:
        raise _fail(str(exc)) from None
    findings, failures, count = [], [], 0
    with loaded.evaluator() as evaluator:
        for result in _read_all(paths, failures, quiet):
            for fact_result in evaluator.iter_results(result.facts):
                count += 1
                findings.extend(fact_result.findings)
                if fact_result.error:
                    failures.append(f"{result.file}: fact {fact_result.index + 1}: "
                                    f"{fact_result.error}")
    for failure in failures:
        typer.echo(failure, err=True)
    columns = ["severity", "rule", "supplier", "message", "source"]
    rows = [[f.severity, f.rule_id, f.supplier, f.message, _source(f.provenance)]
            for f in findings]
    if fmt is Format.json:
        text = to_json({"policy": loaded.name, "facts": count,
                        "findings": [f.model_dump(mode="json") for f in findings],
                        "errors": failures})
    elif fmt is Format.jsonl:
        text = "".join(f.model_dump_json() + "\n" for f in findings)
    elif fmt is Format.csv:
        text = to_csv(columns, rows)
    else:
        text = to_table(columns, rows, f"{len(findings)} finding(s) on {count} fact(s) "
                        f"— policy {loaded.name}")
    _emit(text, output)
    if failures:
        raise typer.Exit(EXIT_INPUT)
    if fail_on is not None:
        floor = SEVERITIES.index(fail_on)
        if any(SEVERITIES.index(f.severity) >= floor for f in findings):
            raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)


def _source(prov) -> str:
    where = f"{prov.sheet}!{prov.cell}" if prov.sheet and prov.cell else (
        f"row {prov.row}" if prov.row else "")
    return f"{prov.file}:{where}" if prov.file and where else (prov.file or "")


@reference_app.command("import")
def reference_import_cmd(
    path: Annotated[Path, typer.Argument(help="RMI's published status list (CSV or XLSX).")],
) -> None:
    """Import RMAP audit statuses (CID, status, date) for all later reads."""
    try:
        statuses = read_status_list(path, display_path(path))
    except IngestError as exc:
        raise _fail(str(exc)) from None
    target = save_statuses(statuses)
    counts: dict[str, int] = {}
    for entry in statuses.entries.values():
        counts[entry.status] = counts.get(entry.status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    typer.echo(f"imported {len(statuses.entries)} statuses ({summary}) into {target}")


@reference_app.command("show")
def reference_show_cmd() -> None:
    """Where the smelter reference and the RMAP statuses come from."""
    reference = Reference.bundled()
    typer.echo(f"smelter reference: {sum(len(v) for v in reference.by_cid.values())} "
               f"smelters from {', '.join(reference.sources)}")
    statuses = load_statuses()
    if statuses is None:
        typer.echo(f"RMAP statuses: none imported ({status_path()})")
    else:
        typer.echo(f"RMAP statuses: {len(statuses.entries)} from {statuses.source}, imported "
                   f"{statuses.imported} ({status_path()})")


def main() -> None:
    """Console-script entry point: one-line errors, a traceback only with --debug."""
    debug = "--debug" in sys.argv or bool(os.environ.get("ASSAY_DEBUG"))
    if "--debug" in sys.argv:
        sys.argv.remove("--debug")
    try:
        app(standalone_mode=True)
    except KeyboardInterrupt:
        typer.echo("assay: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        typer.echo(f"assay: error: {exc} (run with --debug for the traceback)", err=True)
        sys.exit(EXIT_INPUT)
