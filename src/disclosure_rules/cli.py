"""The ``disclosure-rules`` command line: the last module of the pipeline.

Exit status: 0 success, 1 diagnostics or bad input, 2 usage. Diagnostics go
to standard error as ``FILE:LINE:COL: error: ...`` with the line and a caret;
output files are written atomically (a temporary file, then a rename).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import api
from .decimals import round_half_up
from .decimals import text as exact
from .errors import (
    Diagnostic,
    DisclosureRulesError,
    FactsError,
    RulesetSyntaxError,
    display_width,
)
from .evaluation.audit import render_text
from .language.formatter import format_text
from .workdays import Calendar, read_schedules

__all__ = ["main"]


class _UsageError(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        result: int = args.run(args)
        return result
    except _UsageError as exc:
        parser.error(str(exc))  # exits 2
        return 2
    except DisclosureRulesError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    except BrokenPipeError:
        sys.stderr.close()
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="disclosure-rules",
        description="Check, describe and score government information-disclosure "
        "(政务公开) assessment rulesets.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    ls = sub.add_parser("list", help="list the shipped rulesets")
    ls.add_argument("--format", choices=("table", "json"), default="table")
    ls.set_defaults(run=_cmd_list)

    ck = sub.add_parser("check", help="check rulesets; exit 1 on any error")
    ck.add_argument("rulesets", nargs="+", metavar="RULESET", help="a .dr file or a shipped id")
    ck.add_argument("--format", choices=("text", "json"), default="text")
    _param_option(ck)
    ck.set_defaults(run=_cmd_check)

    ds = sub.add_parser("describe", help="the compiled ruleset (nodes, rules, parameters)")
    ds.add_argument("ruleset", metavar="RULESET")
    ds.add_argument("--format", choices=("json", "text", "dot"), default="text")
    ds.add_argument("-o", "--output", metavar="FILE")
    _param_option(ds)
    ds.set_defaults(run=_cmd_describe)

    sc = sub.add_parser("score", help="score a cohort of units from their facts")
    sc.add_argument("ruleset", metavar="RULESET")
    sc.add_argument("facts", metavar="FACTS", help="facts file (.json or .csv)")
    sc.add_argument("--format", choices=("json", "csv", "table"), default="table")
    sc.add_argument("-o", "--output", metavar="FILE")
    sc.add_argument("--strict", action="store_true", help="missing facts are errors")
    sc.add_argument("--no-detail", action="store_true", help="omit the audit ledger (faster)")
    _param_option(sc)
    _calendar_option(sc)
    sc.set_defaults(run=_cmd_score)

    ts = sub.add_parser("test", help="run ruleset test cases (YAML); exit 1 on any failure")
    ts.add_argument("paths", nargs="+", metavar="PATH", help="case files or folders of them")
    ts.add_argument(
        "--coverage",
        action="store_true",
        help="report which rules, clamps, N/A policies and grades were exercised",
    )
    ts.set_defaults(run=_cmd_test)

    fm = sub.add_parser("fmt", help="print rulesets in the canonical layout (comments kept)")
    fm.add_argument("files", nargs="+", metavar="FILE", help=".dr files")
    mode = fm.add_mutually_exclusive_group()
    mode.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if any file is not formatted"
    )
    mode.add_argument("-w", "--write", action="store_true", help="rewrite the files in place")
    fm.set_defaults(run=_cmd_fmt)

    ex = sub.add_parser("explain", help="explain one unit's score, step by step")
    ex.add_argument("ruleset", metavar="RULESET", nargs="?")
    ex.add_argument("facts", metavar="FACTS", nargs="?")
    ex.add_argument("--unit", required=True, metavar="ID")
    ex.add_argument(
        "--results",
        metavar="FILE",
        help="explain from a saved `score --format json` file instead of re-scoring",
    )
    ex.add_argument("--strict", action="store_true")
    _param_option(ex)
    _calendar_option(ex)
    ex.set_defaults(run=_cmd_explain)
    return p


def _param_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (repeatable), e.g. --param reposted=1",
    )


def _calendar_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--calendar",
        action="append",
        default=[],
        metavar="FILE",
        help="a JSON schedule of holidays and make-up working days for a year the "
        "official calendar does not cover yet (repeatable; docs/dates.md)",
    )


def _params(args: argparse.Namespace) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise _UsageError(f"--param takes NAME=VALUE, got {item!r}")
        out[name.strip()] = value.strip()
    return out


def _emit(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    target = Path(output)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- commands


def _cmd_list(args: argparse.Namespace) -> int:
    entries = api.catalog()
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
            }
            for e in entries
        ]
        _emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n", None)
        return 0
    rows = [["id", "year", "indicators", "max", "assumed params", "issuer", "title"]]
    rows += [
        [
            e.id,
            str(e.year or ""),
            str(e.indicators),
            exact(e.max),
            str(e.assumed),
            e.issuer or "",
            e.title,
        ]
        for e in entries
    ]
    _emit(_table(rows), None)
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    params = _params(args)
    failed = False
    report = []
    for name in args.rulesets:
        diagnostics = api.check(name, params or None)
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
        for d in diagnostics:
            print(d.render(), file=sys.stderr)
        warnings = len(diagnostics) - len(errors)
        status = f"{len(errors)} error(s)" if errors else "ok"
        print(f"{name}: {status}, {warnings} warning(s)")
    if args.format == "json":
        _emit(json.dumps(report, ensure_ascii=False, indent=2) + "\n", None)
    return 1 if failed else 0


def _cmd_describe(args: argparse.Namespace) -> int:
    ruleset = api.load(args.ruleset, _params(args) or None)
    g = ruleset.graph
    if args.format == "json":
        text = json.dumps(ruleset.describe(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "dot":
        text = g.to_dot()
    else:
        text = _describe_text(ruleset)
    _emit(text, args.output)
    return 0


def _describe_text(ruleset: api.Ruleset) -> str:
    g = ruleset.graph
    out = [f"{g.id}: {g.title}"]
    if g.issuer:
        out.append(f"  issuer {g.issuer}, issued {g.issued or '—'}")
    out.append(f"  max {exact(g.root.points)}, {sum(1 for n in g.nodes if n.kind == 'item')} items")
    for p in g.params:
        mark = " (ASSUMED: not in the source document)" if p.assumed else ""
        out.append(f"  param {p.name} = {_param_value(p)}{mark}: {p.description}")
    out.append("")
    depth = {0: 0}
    for n in g.nodes:
        if n.parent is not None:
            depth[n.index] = depth[n.parent] + 1
        indent = "  " * depth[n.index]
        extra = f" weight {exact(n.weight * 100)}%" if n.weight is not None else ""
        rules = (
            ", ".join(c.type for c in n.clauses)
            if n.clauses
            else (n.base.type if n.scoring == "item" else n.scoring)
        )
        out.append(f"{indent}{n.id} “{n.title}” {exact(n.points)}{extra}  [{n.kind}: {rules}]")
    for d in g.diagnostics:
        out.append(f"warning: {d.code} {d.message}")
    return "\n".join(out) + "\n"


def _score(args: argparse.Namespace) -> Any:
    ruleset = api.load(args.ruleset, _params(args) or None)
    detail = not getattr(args, "no_detail", False)
    calendar = None
    if args.calendar:
        calendar = Calendar([s for path in args.calendar for s in read_schedules(path)])
    return ruleset.evaluate(args.facts, detail=detail, strict=args.strict, calendar=calendar)


def _cmd_score(args: argparse.Namespace) -> int:
    results = _score(args)
    for w in results.warnings:
        print(w.render(), file=sys.stderr)
    if args.format == "json":
        text = results.to_json()
    elif args.format == "csv":
        text = _results_csv(results)
    else:
        text = _results_table(results)
    _emit(text, args.output)
    return 0


def _cmd_test(args: argparse.Namespace) -> int:
    from .testing.cases import run

    report = run(args.paths)
    sys.stdout.write(report.render(coverage=args.coverage))
    return 0 if report.ok else 1


def _cmd_fmt(args: argparse.Namespace) -> int:
    unformatted = []
    for name in args.files:
        try:
            text = Path(name).read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"cannot read ruleset file: {exc}"
            raise RulesetSyntaxError(Diagnostic("DR000", msg, file=name)) from None
        formatted = format_text(text, name)
        if not (args.check or args.write):
            _emit(formatted, None)
        if formatted == text:
            continue
        unformatted.append(name)
        if args.write:
            _emit(formatted, name)
    if args.check:
        for name in unformatted:
            print(f"{name}: not formatted (disclosure-rules fmt -w {name})", file=sys.stderr)
        return 1 if unformatted else 0
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    if args.results:
        if args.ruleset or args.facts:
            raise _UsageError("give either RULESET FACTS or --results FILE, not both")
        try:
            doc = json.loads(Path(args.results).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            msg = f"cannot read saved results: {exc}"
            raise FactsError(Diagnostic("DR301", msg, file=args.results)) from None
        unit = next((u for u in doc.get("units", []) if u.get("id") == args.unit), None)
        if unit is None:
            from .errors import did_you_mean

            msg = f"no unit {args.unit!r} in the saved results"
            hint = did_you_mean(args.unit, (u.get("id", "") for u in doc.get("units", [])))
            raise FactsError(Diagnostic("DR302", msg, file=args.results, unit=args.unit, hint=hint))
        if "audit" not in unit:
            msg = "the saved results have no audit (scored with --no-detail)"
            raise FactsError(Diagnostic("DR301", msg, file=args.results, unit=args.unit))
        _emit(render_text(unit, doc.get("ruleset")), None)
        return 0
    if not args.ruleset or not args.facts:
        raise _UsageError("explain needs RULESET FACTS --unit ID (or --results FILE --unit ID)")
    results = _score(args)
    _emit(results.explain(args.unit), None)
    return 0


# ---------------------------------------------------------------- rendering


def _param_value(p: Any) -> str:
    """A parameter's value as the ruleset writes it (70%, not 0.7)."""
    return f"{exact(p.value * 100)}%" if p.percent else exact(p.value)


def _banner(results: Any) -> list[str]:
    lines = []
    if results.facts_description:
        lines.append(f"facts: {results.facts_description}")
    assumed = results.graph.assumed_params
    if assumed:
        values = ", ".join(f"{p.name}={_param_value(p)}" for p in assumed)
        lines.extend(
            textwrap.wrap(
                f"built on {len(assumed)} assumed parameter(s), not given by the source document "
                f"(see describe): {values}",
                width=100,
            )
        )
    return lines


def _results_table(results: Any) -> str:
    g = results.graph
    places = g.rounding
    graded = bool(g.grades)
    head = (
        ["rank", "unit", "total"] + (["grade"] if graded else []) + [c.title for c in g.conversions]
    )
    rows = [head]
    for u in results.ranking():
        row = [str(u.rank), u.id, str(u.rounded_total)]
        if graded:
            row.append((u.grade or "—") + (" (veto)" if u.vetoes else ""))
        elif u.vetoes:
            row[2] += " (veto)"
        row += [str(round_half_up(u.conversions[c.id], places)) for c in g.conversions]
        rows.append(row)
    out = [f"{g.id}: {g.title}", f"max {exact(g.root.points)}, {len(results)} unit(s)"]
    out += _banner(results)
    out.append("")
    text = "\n".join(out) + "\n" + _table(rows)
    if results.warnings:
        text += f"\n{len(results.warnings)} warning(s); see standard error or the JSON output\n"
    return text


def _results_csv(results: Any) -> str:
    g = results.graph
    places = g.rounding
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    nodes = [n for n in g.nodes if n.index != 0]
    writer.writerow(
        [
            "unit",
            "rank",
            "total",
            "max",
            "grade",
            "vetoes",
            *[c.id for c in g.conversions],
            *[n.id for n in nodes],
        ]
    )
    for u in results.units:
        writer.writerow(
            [
                u.id,
                u.rank,
                str(u.rounded_total),
                exact(g.root.points),
                u.grade or "",
                ";".join(u.vetoes),
                *[str(round_half_up(u.conversions[c.id], places)) for c in g.conversions],
                *[str(round_half_up(u.score(n.id), places)) for n in nodes],
            ]
        )
    return buf.getvalue()


def _table(rows: list[list[str]]) -> str:
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [c + " " * (widths[i] - display_width(c)) for i, c in enumerate(r)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
