"""One function per command: read the arguments, do the work through the API, write
the result (see :mod:`disclosure_rules.cli.output`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from .. import collector
from ..decimals import text as exact
from ..errors import (
    Diagnostic,
    DisclosureRulesError,
    FactsError,
    RulesetSyntaxError,
    Severity,
    did_you_mean,
)
from ..files import (
    FileProblem,
    check_output,
    read_input,
    write_output,
)
from ..i18n import _, gettext
from ..outputs.formats import RESULTS_FORMATS
from ..outputs.progress import Progress
from ..outputs.text import capped, printable
from .output import (
    _emit,
    _emit_chunks,
    _encoded,
    _expect_kinds,
    _ruleset_input,
    _UsageError,
    _wrong_kind,
)

if TYPE_CHECKING:  # the commands import what they need: `--version` needs none of it
    from ..evaluation.engine import Results
    from ..workdays import Calendar


def _params(args: argparse.Namespace, option: str = "param") -> dict[str, str]:
    out: dict[str, str] = {}
    for item in getattr(args, option):
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise _UsageError(f"--{option.replace('_', '-')} takes NAME=VALUE, got {item!r}")
        out[name.strip()] = value.strip()
    return out


def _readings(args: argparse.Namespace, option: str = "reading") -> dict[str, str] | None:
    out: dict[str, str] = {}
    for item in getattr(args, option):
        name, sep, alternative = item.partition("=")
        if not sep or not name.strip() or not alternative.strip():
            flag = option.replace("_", "-")
            raise _UsageError(f"--{flag} takes NAME=ALTERNATIVE, got {item!r}")
        out[name.strip()] = alternative.strip()
    return out or None


def _calendar(args: argparse.Namespace) -> Calendar | None:
    from ..workdays import Calendar, read_schedules

    if not args.calendar:
        return None
    return Calendar([s for path in args.calendar for s in read_schedules(path)])


def _cmd_list(args: argparse.Namespace) -> int:
    from ..catalog import shipped_catalog
    from ..outputs.catalog import catalog_table

    entries = shipped_catalog()
    if args.format == "json":
        data = [
            {
                "id": e.id,
                "title": e.title,
                "issuer": e.issuer,
                "year": e.year,
                "indicators": e.indicators,
                "max": exact(e.max),
                "assumed_params": e.assumed,
                "assumed_structure": e.assumed_structure,
            }
            for e in entries
        ]
        _emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    _emit(catalog_table(entries))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .. import api

    params = _params(args)
    readings = _readings(args)
    failed = False
    report = []
    for name in args.rulesets:
        wrong = _wrong_kind(name, "ruleset", "DR000")
        diagnostics = [wrong] if wrong else api.check(name, params or None, readings=readings)
        if args.strict:
            diagnostics = [attrs.evolve(d, severity=Severity.ERROR) for d in diagnostics]
        errors = [d for d in diagnostics if d.is_error]
        failed = failed or bool(errors)
        if args.format == "json":
            report.append(
                {
                    "ruleset": name,
                    "ok": not errors,
                    "diagnostics": [d.to_dict() for d in diagnostics],
                }
            )
            continue
        if diagnostics:
            print(capped(diagnostics), file=sys.stderr)
        warnings = len(diagnostics) - len(errors)
        status = (
            gettext("{errors} error(s), {warnings} warning(s)")
            if errors
            else gettext("ok, {warnings} warning(s)")
        ).format(errors=len(errors), warnings=warnings)
        _emit(printable(f"{name}: {status}\n"))
    if args.format == "json":
        _emit(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return 1 if failed else 0


def _cmd_describe(args: argparse.Namespace) -> int:
    from .. import api
    from ..outputs.describe import describe_text

    if args.output is not None:
        check_output(args.output, inputs=[i for i in [_ruleset_input(args.ruleset)] if i])
    ruleset = api.load(args.ruleset, _params(args) or None, readings=_readings(args))
    if args.format == "json":
        text = json.dumps(ruleset.describe(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "dot":
        text = ruleset.graph.to_dot()
    else:
        text = describe_text(ruleset)
    _emit(text, args.output, [_ruleset_input(args.ruleset)])
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    """Exit 0 when the rulesets mean the same, 1 when they differ (2 on an error)."""
    from .. import api

    found = api.diff(args.old, args.new, _params(args) or None, readings=_readings(args))
    if args.format == "json":
        text = json.dumps(found.to_dict(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = found.to_text()
    _emit(text)
    return 0 if found.equal else 1


def _score(args: argparse.Namespace, progress: Progress | None = None) -> Results:
    from .. import api
    from ..facts import load_facts

    _expect_kinds(args.ruleset, args.facts)
    ruleset = api.load(args.ruleset, _params(args) or None, readings=_readings(args))
    detail = not getattr(args, "no_detail", False)
    calendar = _calendar(args)
    progress = progress or Progress(enabled=False)
    with progress.stage("read", None) as tick:
        if _is_forms(args.facts):
            from ..forms.read import read_forms

            document = read_forms(ruleset.graph, [args.facts])
            cohort = load_facts(document, ruleset.graph, file=args.facts)
        else:
            cohort = load_facts(args.facts, ruleset.graph, progress=tick)
    with progress.stage("scored", len(cohort.units)) as tick:
        results = ruleset.evaluate(
            cohort, detail=detail, strict=args.strict, calendar=calendar, progress=tick
        )
    return results


def _is_forms(name: str) -> bool:
    """Filled forms rather than a facts file: a workbook, or a folder (of workbooks)."""
    return name.lower().endswith(".xlsx") or Path(name).is_dir()


def _cmd_form(args: argparse.Namespace) -> int:
    import datetime as dt

    from .. import api
    from ..forms import form_xlsx
    from ..spreadsheet import sheet_title

    ruleset = api.load(args.ruleset, _params(args) or None, readings=_readings(args))
    deadline = None
    if args.deadline is not None:
        try:
            deadline = dt.date.fromisoformat(args.deadline)
        except ValueError:
            msg = _("--deadline takes a date (2021-01-20), got {deadline!r}").format(
                deadline=args.deadline
            )
            raise _UsageError(msg) from None
    units: list[tuple[str | None, list[str]]] = [_unit_option(u) for u in args.unit]
    units = units or [(None, [])]
    inputs = [i for i in [_ruleset_input(args.ruleset)] if i]
    if len(units) == 1:
        unit, tags = units[0]
        write_output(args.output, form_xlsx(ruleset.graph, unit, tags, deadline), inputs=inputs)
        return 0
    folder = Path(args.output)
    folder.mkdir(parents=True, exist_ok=True)
    for unit, tags in units:
        name = str(folder / f"{sheet_title(unit or '_', set())}.xlsx")
        write_output(name, form_xlsx(ruleset.graph, unit, tags, deadline), inputs=inputs)
    return 0


def _unit_option(value: str) -> tuple[str, list[str]]:
    unit, _eq, tags = value.partition("=")
    if not unit.strip():
        raise _UsageError(f"--unit takes ID or ID=TAG,TAG, got {value!r}")
    return unit.strip(), [t.strip() for t in tags.replace(";", ",").split(",") if t.strip()]


def _cmd_facts(args: argparse.Namespace) -> int:
    from .. import api
    from ..facts import load_facts
    from ..forms.read import read_forms

    ruleset = api.load(args.ruleset, _params(args) or None, readings=_readings(args))
    document = read_forms(ruleset.graph, args.forms)
    load_facts(document, ruleset.graph, file=", ".join(args.forms))  # refuse what cannot score
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    _emit(text, args.output, [_ruleset_input(args.ruleset), *args.forms])
    return 0


def _cmd_score(args: argparse.Namespace) -> int:
    inputs = [_ruleset_input(args.ruleset), args.facts, *args.calendar]
    fmt = RESULTS_FORMATS.get(args.format)
    if fmt is not None and fmt.binary and args.output is None:
        raise _UsageError(f"--format {fmt.name} writes a file: give it with -o FILE")
    if args.output is not None:  # refuse a bad output before the work, not after it
        check_output(args.output, inputs=[i for i in inputs if i])
    # one run's structures are trees freed by reference counting: collecting cycles
    # would only walk the whole cohort again and again. They are made and freed while
    # the collector is paused: resumed over them, it would walk them all once more.
    progress = Progress(enabled=not args.quiet)
    with collector.paused():
        results = _score(args, progress)
        if results.warnings:
            print(capped(results.warnings), file=sys.stderr)
        if fmt is None:  # JSON: written unit by unit as it is rendered
            with progress.stage("written", len(results)) as tick:
                chunks = results.json_chunks(args.audit, progress=tick)
                _emit_chunks(chunks, args.output, inputs)
        elif fmt.binary:
            data = fmt.write(results)
            assert isinstance(data, bytes) and args.output is not None
            write_output(args.output, data, inputs=[i for i in inputs if i])
        else:
            text = fmt.write(results)
            assert isinstance(text, str)
            _emit(text, args.output, inputs)
        del results
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from .. import api
    from ..alternatives.compare import same_sides
    from ..outputs.compare import comparison_csv, comparison_table

    if len(args.inputs) not in (2, 3):
        raise _UsageError("compare takes RULESET_A RULESET_B FACTS, or RULESET FACTS")
    *rulesets, facts = args.inputs
    sided = args.a_param or args.b_param or args.a_reading or args.b_reading
    if len(rulesets) == 1 and not sided:
        msg = (
            "one ruleset is compared under two sets of choices: give --a-reading/--b-reading "
            "or --a-param/--b-param (or two rulesets)"
        )
        raise _UsageError(msg)
    for ruleset in rulesets:
        _expect_kinds(ruleset, facts)
    inputs = [*(_ruleset_input(r) for r in rulesets), facts, *args.calendar]
    if args.output is not None:
        check_output(args.output, inputs=[i for i in inputs if i])
    sides = []
    for side, ruleset in zip("ab", rulesets * 2 if len(rulesets) == 1 else rulesets, strict=True):
        params = {**_params(args), **_params(args, f"{side}_param")}
        readings = {**(_readings(args) or {}), **(_readings(args, f"{side}_reading") or {})}
        sides.append(api.load(ruleset, params or None, readings=readings or None))
    same_sides(sides[0].graph, sides[1].graph)
    comparison = api.compare(
        sides[0], sides[1], facts, strict=args.strict, calendar=_calendar(args)
    )
    if comparison.warnings:
        print(capped(list(comparison.warnings)), file=sys.stderr)
    if args.format == "json":
        text = json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "csv":
        text = comparison_csv(comparison)
    else:
        text = comparison_table(comparison)
    _emit(text, args.output, inputs)
    return 0


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from .. import api
    from ..outputs.sensitivity import sensitivity_table

    _expect_kinds(args.ruleset, args.facts)
    if args.samples < 1:
        raise _UsageError(f"--samples takes a number of runs of at least 1, got {args.samples}")
    inputs = [_ruleset_input(args.ruleset), args.facts, *args.calendar]
    if args.output is not None:
        check_output(args.output, inputs=[i for i in inputs if i])
    ruleset = api.load(args.ruleset, _params(args) or None, readings=_readings(args))
    result = api.sensitivity(
        ruleset,
        args.facts,
        weights=args.weights,
        samples=args.samples,
        seed=args.seed,
        calendar=_calendar(args),
    )
    if args.format == "json":
        text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = sensitivity_table(result)
    _emit(text, args.output, inputs)
    return 0


_ADVICE_BYTES = 1 << 20  # an office's recommendations: a few pages of text


def _cmd_report(args: argparse.Namespace) -> int:
    from .. import report
    from ..report.browser import find_browser

    suffix = Path(args.output).suffix.lstrip(".").lower() if args.output else ""
    fmt = args.format or (suffix if suffix in report.FORMATS else "html")
    if fmt == "pdf" and args.output is None:
        raise _UsageError("--format pdf writes a file: give -o FILE")
    if args.top is not None and args.top < 1:
        raise _UsageError(f"--top takes a number of units of at least 1, got {args.top}")
    inputs = [_ruleset_input(args.ruleset), args.facts, *args.calendar, args.advice or ""]
    if args.output is not None:  # refuse a bad output, or a missing browser, before the work
        check_output(args.output, inputs=[i for i in inputs if i])
    report.require_extra(charts=fmt != "md")
    if fmt == "pdf":
        find_browser(args.browser)
    advice = _advice(args.advice) if args.advice else None
    results = _score(args)
    if results.warnings:
        print(capped(results.warnings), file=sys.stderr)
    options = {"lang": getattr(args, "lang", "zh"), "advice": advice, "top": args.top}
    if fmt == "md":
        _emit(report.markdown(results, **options), args.output, inputs)
        return 0
    if fmt == "html":
        _emit(report.html(results, **options, font=args.font), args.output, inputs)
        return 0
    data = report.pdf(results, **options, font=args.font, browser=args.browser)
    write_output(args.output, data, inputs=[i for i in inputs if i])
    return 0


def _advice(path: str) -> str:
    """The office's own text for 建议, read as it is (UTF-8)."""
    data = read_input(
        path, limit=_ADVICE_BYTES, what=_("advice file"), too_large="DR906", unreadable="DR905"
    )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = _("cannot read advice file: it is not UTF-8 text ({reason} at byte {start})").format(
            reason=exc.reason, start=exc.start
        )
        raise FileProblem(Diagnostic("DR905", msg, file=path)) from None


def _cmd_test(args: argparse.Namespace) -> int:
    from ..testing.cases import run

    report = run(args.paths, _readings(args))
    if report.cases == 0:
        msg = _("no test cases found (a folder is searched for *.yaml files)")
        raise _NoCases(Diagnostic("DR311", msg, file=", ".join(args.paths)))
    _emit(printable(report.render(coverage=args.coverage)))
    return 0 if report.ok else 1


class _NoCases(DisclosureRulesError, LookupError):
    pass


def _cmd_fmt(args: argparse.Namespace) -> int:
    from ..language.formatter import format_text
    from ..language.parser import MAX_BYTES

    unformatted = []
    for name in args.files:
        data = read_input(
            name, limit=MAX_BYTES, what=_("ruleset file"), too_large="DR006", unreadable="DR000"
        )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            msg = _("cannot read ruleset file: {exc}").format(exc=exc)
            raise RulesetSyntaxError(Diagnostic("DR000", msg, file=name)) from None
        formatted = format_text(text, name)
        if not (args.check or args.write):
            _emit(formatted)
        if formatted == text:
            continue
        unformatted.append(name)
        if args.write:
            write_output(name, _encoded(formatted, name), may_replace=[name])
    if args.check:
        for name in unformatted:
            print(
                printable(f"{name}: not formatted (disclosure-rules fmt -w {name})"),
                file=sys.stderr,
            )
        return 1 if unformatted else 0
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    if args.results:
        if args.ruleset or args.facts:
            raise _UsageError("give either RULESET FACTS or --results FILE, not both")
        return _explain_saved(args)
    if args.unverified or args.results_facts:
        option = "--unverified" if args.unverified else "--facts"
        raise _UsageError(f"{option} goes with --results FILE")
    if not args.ruleset or not args.facts:
        raise _UsageError("explain needs RULESET FACTS --unit ID (or --results FILE --unit ID)")
    results = _score(args)
    try:
        text = results.explain(args.unit)
    except FactsError as exc:  # an unknown unit: of the facts file given
        named = [d if d.file else attrs.evolve(d, file=args.facts) for d in exc.diagnostics]
        raise FactsError(named) from None
    _emit(printable(text))
    return 0


def _cmd_lsp(args: argparse.Namespace) -> int:
    try:
        from ..language import server
    except ModuleNotFoundError as exc:  # pygls or lsprotocol: the editor extra is not installed
        missing = (exc.name or "").partition(".")[0]
        if missing not in ("pygls", "lsprotocol"):
            raise
        needs = gettext(
            "the language server needs the editor extra ({missing} is not installed)"
        ).format(missing=missing)
        label = gettext("error")
        print(f"{label}: {needs}: pip install 'disclosure-rules[editor]'", file=sys.stderr)
        return 1
    return server.main()


def _explain_saved(args: argparse.Namespace) -> int:
    """Explain from a saved results file, verified first: a file that does not verify is
    refused, or with --unverified shown under a mark saying so (exit status 1)."""
    from ..evaluation.audit import shape_problems
    from ..evaluation.explain import render_text
    from ..verify import ResultsError, read_results, verify, with_facts

    doc = read_results(args.results)
    if args.results_facts:
        doc = with_facts(doc, args.results, args.results_facts)
    units = doc["units"]
    unit = next((u for u in units if u["id"] == args.unit), None)
    if unit is None:
        msg = _("no unit {unit!r} in the saved results").format(unit=args.unit)
        hint = did_you_mean(args.unit, (u["id"] for u in units))
        raise ResultsError(Diagnostic("DR302", msg, file=args.results, unit=args.unit, hint=hint))
    if "audit" not in unit:
        msg = _("the saved results have no audit (scored with --no-detail)")
        raise ResultsError(Diagnostic("DR301", msg, file=args.results, unit=args.unit))
    malformed = shape_problems(unit)
    if malformed:  # nothing to show: the audit itself is not one
        diagnostics = [Diagnostic("DR701", p, file=args.results, unit=args.unit) for p in malformed]
        raise ResultsError(diagnostics)
    check = verify(doc, args.results, calendar=_calendar(args))
    if check.ok:
        _emit(printable(render_text(unit, doc["ruleset"])))
        return 0
    if not args.unverified:
        msg = _("refusing to explain a results file that does not verify")
        hint = _("run `disclosure-rules verify` for the details; --unverified shows it anyway")
        raise ResultsError(
            [*check.problems, Diagnostic("DR710", msg, file=args.results, hint=hint)]
        )
    print(capped(check.problems), file=sys.stderr)
    mark = gettext(
        "UNVERIFIED: {file} does not verify ({count} problem(s)); "
        "the figures below may have been edited"
    ).format(file=args.results, count=len(check.problems))
    mark += "\n\n"
    _emit(printable(mark + render_text(unit, doc["ruleset"])))
    return 1


def _cmd_verify(args: argparse.Namespace) -> int:
    from ..verify import read_results, verify

    doc = read_results(args.results)
    check = verify(
        doc, args.results, ruleset=args.ruleset, facts=args.facts, calendar=_calendar(args)
    )
    if check.problems:
        print(capped(check.problems), file=sys.stderr)
    _emit(printable(check.summary()))
    return 0 if check.ok else 1
