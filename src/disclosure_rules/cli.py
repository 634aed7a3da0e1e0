"""The ``disclosure-rules`` command line: the last module of the pipeline.

This module parses arguments and dispatches; the printers are in ``outputs/`` and
file access in ``files``. Every command runs inside one error boundary (:func:`main`):
a problem becomes a diagnostic on standard error, ``FILE:LINE:COL: error: CODE …``,
never a traceback (``--debug`` shows one). Exit status: 0 success, 1 diagnostics or
bad input, 2 usage, 130 interrupted (SIGINT), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from . import collector
from .decimals import text as exact
from .errors import (
    Diagnostic,
    DisclosureRulesError,
    FactsError,
    RulesetSyntaxError,
    Severity,
    did_you_mean,
)
from .files import (
    FileProblem,
    Terminated,
    check_output,
    read_input,
    terminating_raises,
    write_chunks,
    write_output,
)
from .outputs.formats import RESULTS_FORMATS
from .outputs.progress import Progress
from .outputs.text import capped, printable
from .version import __version__

if TYPE_CHECKING:  # the commands import what they need: `--version` needs none of it
    from .evaluation.engine import Results
    from .workdays import Calendar

__all__ = ["main"]


_PROG = "disclosure-rules"  # where a problem of the run itself, not of a file, is reported


class _UsageError(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every exception ends as a diagnostic and an exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    debug = bool(getattr(args, "debug", False))
    with terminating_raises():
        try:
            result: int = args.run(args)
            return result
        except _UsageError as exc:
            parser.error(str(exc))  # exits 2
        except DisclosureRulesError as exc:
            return _fail(exc, exc.diagnostics, debug)
        except KeyboardInterrupt as exc:
            _fail(
                exc,
                [Diagnostic("DR621", "interrupted (SIGINT); nothing was written", file=_PROG)],
                debug,
            )
            return 130
        except Terminated as exc:
            _fail(
                exc,
                [Diagnostic("DR621", "terminated (SIGTERM); nothing was written", file=_PROG)],
                debug,
            )
            return 143
        except RecursionError as exc:
            msg = "the input nests too deeply to be processed"
            return _fail(
                exc, [Diagnostic("DR603", msg, file=_PROG, hint="see docs/limits.md")], debug
            )
        except MemoryError as exc:
            msg = "out of memory: the input is too large to be processed"
            return _fail(
                exc, [Diagnostic("DR620", msg, file=_PROG, hint="see docs/limits.md")], debug
            )
        except Exception as exc:
            msg = f"unexpected error: {type(exc).__name__}: {exc}"
            hint = "this is a bug in disclosure-rules; --debug shows where it happened"
            return _fail(exc, [Diagnostic("DR620", msg, file=_PROG, hint=hint)], debug)
    return 2  # parser.error exits; this satisfies the type checker


def _fail(exc: BaseException, diagnostics: Sequence[Diagnostic], debug: bool) -> int:
    """Report diagnostics (capped per file) on standard error; exit status 1."""
    text = capped(diagnostics)
    if debug:
        text = "".join(traceback.format_exception(exc)) + text
    with contextlib.suppress(OSError, ValueError):  # standard error closed: the status tells
        print(text, file=sys.stderr, flush=True)
    return 1


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the traceback of an error (for reporting bugs)",
    )
    p = argparse.ArgumentParser(
        prog=_PROG,
        description="Check, describe and score government information-disclosure "
        "(政务公开) assessment rulesets.",
        parents=[common],
    )
    p.add_argument("--version", action="version", version=f"{_PROG} {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, parents=[common])

    ls = command("list", "list the shipped rulesets")
    ls.add_argument("--format", choices=("table", "json"), default="table")
    ls.set_defaults(run=_cmd_list)

    ck = command("check", "check rulesets; exit 1 on any error")
    ck.add_argument("rulesets", nargs="+", metavar="RULESET", help="a .dr file or a shipped id")
    ck.add_argument("--format", choices=("text", "json"), default="text")
    ck.add_argument("--strict", action="store_true", help="warnings are errors too")
    _param_option(ck)
    _reading_option(ck)
    ck.set_defaults(run=_cmd_check)

    ds = command("describe", "the compiled ruleset (nodes, rules, parameters)")
    ds.add_argument("ruleset", metavar="RULESET")
    ds.add_argument("--format", choices=("json", "text", "dot"), default="text")
    ds.add_argument("-o", "--output", metavar="FILE")
    _param_option(ds)
    _reading_option(ds)
    ds.set_defaults(run=_cmd_describe)

    sc = command("score", "score a cohort of units from their facts")
    sc.add_argument("ruleset", metavar="RULESET")
    sc.add_argument(
        "facts",
        metavar="FACTS",
        help="facts file (.json or .csv), a filled form or a folder of them",
    )
    sc.add_argument("--format", choices=("json", *RESULTS_FORMATS), default="table")
    sc.add_argument("-o", "--output", metavar="FILE")
    sc.add_argument("--strict", action="store_true", help="missing facts are errors")
    sc.add_argument("--no-detail", action="store_true", help="omit the audit ledger (faster)")
    sc.add_argument(
        "--quiet",
        action="store_true",
        help="no progress on standard error (shown for long runs when it is a terminal)",
    )
    sc.add_argument(
        "--audit",
        choices=("compact", "full"),
        default="compact",
        help="with --format json: the ruleset's nodes and rules written once and the units "
        "referring to them (compact, schema 3, the default), or every unit self-contained "
        "(full, schema 2); docs/audit.md",
    )
    _param_option(sc)
    _reading_option(sc)
    _calendar_option(sc)
    sc.set_defaults(run=_cmd_score)

    rp = command("report", "the assessment report: overview, results, findings, unit pages")
    rp.add_argument("ruleset", metavar="RULESET")
    rp.add_argument("facts", metavar="FACTS", help="facts file (.json or .csv)")
    rp.add_argument(
        "--format", choices=("html", "md", "pdf"), help="default: from -o's suffix, else html"
    )
    rp.add_argument("-o", "--output", metavar="FILE", help="required for pdf")
    rp.add_argument("--lang", choices=("zh", "en"), default="zh", help="the report's labels")
    rp.add_argument("--advice", metavar="FILE", help="the office's recommendations (UTF-8 text)")
    rp.add_argument("--top", type=int, metavar="N", help="list each group's top and bottom N")
    rp.add_argument("--font", metavar="FILE", help="a font file with Chinese glyphs for charts")
    rp.add_argument("--browser", metavar="PATH", help="the Chromium or Chrome that prints PDF")
    rp.add_argument("--strict", action="store_true", help="missing facts are errors")
    _param_option(rp)
    _reading_option(rp)
    _calendar_option(rp)
    rp.set_defaults(run=_cmd_report)
    fm = command("form", "write the self-assessment form (自评表) of a ruleset as .xlsx")
    fm.add_argument("ruleset", metavar="RULESET")
    fm.add_argument(
        "-o", "--output", metavar="PATH", required=True,
        help="the form (.xlsx); with several --unit, a folder for one form per unit",
    )  # fmt: skip
    fm.add_argument(
        "--unit", action="append", default=[], metavar="ID[=TAGS]",
        help="the unit a form is for, with its tags (e.g. --unit 新昌镇=township); repeatable",
    )  # fmt: skip
    fm.add_argument("--deadline", metavar="DATE", help="the deadline printed on the cover")
    _param_option(fm)
    _reading_option(fm)
    fm.set_defaults(run=_cmd_form)

    fc = command("facts", "read filled forms into a facts file (JSON)")
    fc.add_argument("ruleset", metavar="RULESET")
    fc.add_argument("forms", nargs="+", metavar="FORM", help="filled forms, or folders of them")
    fc.add_argument("-o", "--output", metavar="FILE")
    _param_option(fc)
    _reading_option(fc)
    fc.set_defaults(run=_cmd_facts)

    ts = command("test", "run ruleset test cases (YAML); exit 1 on any failure")
    ts.add_argument("paths", nargs="+", metavar="PATH", help="case files or folders of them")
    ts.add_argument(
        "--coverage",
        action="store_true",
        help="report which rules, clamps, N/A policies and grades were exercised",
    )
    _reading_option(ts)
    ts.set_defaults(run=_cmd_test)

    fm = command("fmt", "print rulesets in the canonical layout (comments kept)")
    fm.add_argument("files", nargs="+", metavar="FILE", help=".dr files")
    mode = fm.add_mutually_exclusive_group()
    mode.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if any file is not formatted"
    )
    mode.add_argument("-w", "--write", action="store_true", help="rewrite the files in place")
    fm.set_defaults(run=_cmd_fmt)

    ex = command("explain", "explain one unit's score, step by step")
    ex.add_argument("ruleset", metavar="RULESET", nargs="?")
    ex.add_argument("facts", metavar="FACTS", nargs="?")
    ex.add_argument("--unit", required=True, metavar="ID")
    ex.add_argument(
        "--results",
        metavar="FILE",
        help="explain from a saved `score --format json` file (verified first) "
        "instead of re-scoring",
    )
    ex.add_argument(
        "--unverified",
        action="store_true",
        help="with --results: show a file that does not verify, marked as unverified",
    )
    ex.add_argument("--strict", action="store_true")
    _param_option(ex)
    _reading_option(ex)
    _calendar_option(ex)
    ex.set_defaults(run=_cmd_explain)

    vf = command("verify", "check a saved results file's integrity; exit 1 if anything differs")
    vf.add_argument("results", metavar="RESULTS", help="a `score --format json` file")
    vf.add_argument("--ruleset", metavar="RULESET", help="the ruleset it was scored with")
    vf.add_argument("--facts", metavar="FACTS", help="the facts it was scored from (re-scores)")
    _calendar_option(vf)
    vf.set_defaults(run=_cmd_verify)
    lsp = sub.add_parser("lsp", help="start the language server on stdio (the editor extra)")
    lsp.set_defaults(run=_cmd_lsp)
    return p


def _param_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (repeatable), e.g. --param reposted=1",
    )


def _reading_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--reading",
        action="append",
        default=[],
        metavar="NAME=ALTERNATIVE",
        help="read an ambiguous clause another way (repeatable; `describe` lists the "
        "readings), e.g. --reading floor_scope=whole_100",
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


def _readings(args: argparse.Namespace) -> dict[str, str] | None:
    out: dict[str, str] = {}
    for item in args.reading:
        name, sep, alternative = item.partition("=")
        if not sep or not name.strip() or not alternative.strip():
            raise _UsageError(f"--reading takes NAME=ALTERNATIVE, got {item!r}")
        out[name.strip()] = alternative.strip()
    return out or None


def _calendar(args: argparse.Namespace) -> Calendar | None:
    from .workdays import Calendar, read_schedules

    if not args.calendar:
        return None
    return Calendar([s for path in args.calendar for s in read_schedules(path)])


def _emit(text: str, output: str | None = None, inputs: Sequence[str] = ()) -> None:
    """Write a command's output to standard output, or atomically to ``-o FILE``."""
    if output is not None:
        write_output(output, _encoded(text, output), inputs=[i for i in inputs if i])
        return
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except UnicodeEncodeError as exc:
        raise _unencodable(exc, "<stdout>") from None
    except BrokenPipeError:
        _silence_stdout()
        msg = "standard output was closed before the output was written"
        raise FileProblem(Diagnostic("DR614", msg, file="<stdout>")) from None
    except OSError as exc:
        _silence_stdout()
        msg = f"cannot write to standard output: {(exc.strerror or str(exc)).lower()}"
        raise FileProblem(Diagnostic("DR614", msg, file="<stdout>")) from None


def _emit_chunks(chunks: Iterable[bytes], output: str | None, inputs: Sequence[str]) -> None:
    """Write UTF-8 chunks as they are produced: to ``-o FILE`` atomically (the old file
    kept until the last chunk is written), or to standard output."""
    try:
        _write_chunks(chunks, output, inputs)
    except UnicodeEncodeError as exc:
        raise _unencodable(exc, output or "<stdout>") from None


def _write_chunks(chunks: Iterable[bytes], output: str | None, inputs: Sequence[str]) -> None:
    if output is not None:
        write_chunks(output, chunks, inputs=[i for i in inputs if i])
        return
    try:
        out = sys.stdout.buffer
    except AttributeError:  # a text-only stream (tests): decode each chunk
        for chunk in chunks:
            _emit(chunk.decode("utf-8"))
        return
    try:
        sys.stdout.flush()
        for chunk in chunks:
            out.write(chunk)
        out.flush()
    except BrokenPipeError:
        _silence_stdout()
        msg = "standard output was closed before the output was written"
        raise FileProblem(Diagnostic("DR614", msg, file="<stdout>")) from None
    except OSError as exc:
        if isinstance(exc, FileProblem):
            raise
        _silence_stdout()
        msg = f"cannot write to standard output: {(exc.strerror or str(exc)).lower()}"
        raise FileProblem(Diagnostic("DR614", msg, file="<stdout>")) from None


def _encoded(text: str, file: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _unencodable(exc, file) from None


def _unencodable(exc: UnicodeEncodeError, file: str) -> FileProblem:
    bad = exc.object[exc.start : exc.end]
    where = ", ".join(f"U+{ord(c):04X}" for c in bad[:4])
    msg = f"the output holds text no encoding can write ({where}, a lone surrogate?)"
    if exc.encoding.replace("-", "").lower() != "utf8":
        msg = f"the output holds text {exc.encoding} cannot write ({where})"
        hint = "set PYTHONIOENCODING=utf-8, or write to a file with -o"
        return FileProblem(Diagnostic("DR615", msg, file=file, hint=hint))
    return FileProblem(Diagnostic("DR615", msg, file=file, hint="correct the input's text"))


def _silence_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's last flush cannot fail."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # not a real file (tests)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


_KINDS = {
    "ruleset": "a ruleset file",
    "facts": "a facts file",
    "results": "a results file",
    "cases": "a case file",
}
_SNIFF_BYTES = 4096  # the opening of a file tells its kind; the whole file is read later


def _file_kind(name: str) -> str | None:
    """What kind of file ``name`` opens like, or None (not a file, or nothing known)."""
    path = Path(name)
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:  # the opening only: bounded by construction
            head = fh.read(_SNIFF_BYTES).decode("utf-8-sig", errors="replace")
    except OSError:
        return None  # the reader that follows reports it, with its own code
    code = "\n".join(
        line for line in head.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ).lstrip()
    if code.startswith("ruleset ") or code.startswith("ruleset\t"):
        return "ruleset"
    if code.startswith("{"):
        if '"schema"' in code and '"engine"' in code:
            return "results"
        return "facts" if '"units"' in code else None
    keys = {line.split(":", 1)[0] for line in code.splitlines() if not line[:1].isspace()}
    return "cases" if {"ruleset", "cases"} <= keys else None


def _wrong_kind(name: str, expected: str, code: str) -> Diagnostic | None:
    """A diagnostic when ``name`` is plainly another kind of file than ``expected``."""
    kind = _file_kind(name)
    if kind is None or kind == expected:
        return None
    msg = f"this is {_KINDS[kind]}, not {_KINDS[expected]}"
    hints = {
        "ruleset": "the ruleset comes first: disclosure-rules score RULESET FACTS",
        "facts": "facts come after the ruleset: disclosure-rules score RULESET FACTS",
        "results": "a saved results file is read by: disclosure-rules explain --results FILE",
        "cases": "a case file is run by: disclosure-rules test FILE",
    }
    return Diagnostic(code, msg, file=name, hint=hints[kind])


def _expect_kinds(ruleset: str | None, facts: str | None) -> None:
    """Refuse a ruleset or facts argument that is another kind of file, naming both."""
    found = [
        d
        for d in (
            _wrong_kind(ruleset, "ruleset", "DR000") if ruleset else None,
            _wrong_kind(facts, "facts", "DR301") if facts else None,
        )
        if d is not None
    ]
    if found:
        raise _WrongKind(found)


class _WrongKind(DisclosureRulesError, ValueError):
    pass


def _ruleset_input(name: str) -> str:
    """A ruleset argument that is a file (an input the output must not overwrite), or ''."""
    return name if Path(name).is_file() else ""


# ---------------------------------------------------------------- commands


def _cmd_list(args: argparse.Namespace) -> int:
    from . import api
    from .outputs.table import catalog_table

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
                "assumed_structure": e.assumed_structure,
            }
            for e in entries
        ]
        _emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    _emit(catalog_table(entries))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from . import api

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
        status = f"{len(errors)} error(s)" if errors else "ok"
        _emit(printable(f"{name}: {status}, {warnings} warning(s)\n"))
    if args.format == "json":
        _emit(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return 1 if failed else 0


def _cmd_describe(args: argparse.Namespace) -> int:
    from . import api
    from .outputs.describe import describe_text

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


def _score(args: argparse.Namespace, progress: Progress | None = None) -> Results:
    from . import api
    from .facts import load_facts

    _expect_kinds(args.ruleset, args.facts)
    ruleset = api.load(args.ruleset, _params(args) or None, readings=_readings(args))
    detail = not getattr(args, "no_detail", False)
    calendar = _calendar(args)
    progress = progress or Progress(enabled=False)
    with progress.stage("read", None) as tick:
        if _is_forms(args.facts):
            from .forms.read import read_forms

            document = read_forms(ruleset.graph, [args.facts])
            cohort = load_facts(document, ruleset.graph, file=args.facts)
        else:
            cohort = load_facts(args.facts, ruleset.graph, progress=tick)
    with progress.stage("scored", len(cohort.units)) as tick:
        results = ruleset.evaluate(cohort, detail=detail, strict=args.strict, calendar=calendar)
        tick(len(results))
    return results


def _is_forms(name: str) -> bool:
    """Filled forms rather than a facts file: a workbook, or a folder (of workbooks)."""
    return name.lower().endswith(".xlsx") or Path(name).is_dir()


def _cmd_form(args: argparse.Namespace) -> int:
    from . import api
    from .forms import form_xlsx
    from .spreadsheet import sheet_title

    ruleset = api.load(args.ruleset, _params(args) or None, readings=_readings(args))
    deadline = None
    if args.deadline is not None:
        try:
            deadline = dt.date.fromisoformat(args.deadline)
        except ValueError:
            msg = f"--deadline takes a date (2021-01-20), got {args.deadline!r}"
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
    unit, _, tags = value.partition("=")
    if not unit.strip():
        raise _UsageError(f"--unit takes ID or ID=TAG,TAG, got {value!r}")
    return unit.strip(), [t.strip() for t in tags.replace(";", ",").split(",") if t.strip()]


def _cmd_facts(args: argparse.Namespace) -> int:
    from . import api
    from .facts import load_facts
    from .forms.read import read_forms

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
    # would only walk the whole cohort again and again
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
    return 0


_ADVICE_BYTES = 1 << 20  # an office's recommendations: a few pages of text


def _cmd_report(args: argparse.Namespace) -> int:
    from . import report
    from .report.browser import find_browser

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
    options = {"lang": args.lang, "advice": advice, "top": args.top}
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
        path, limit=_ADVICE_BYTES, what="advice file", too_large="DR906", unreadable="DR905"
    )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"cannot read advice file: it is not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise FileProblem(Diagnostic("DR905", msg, file=path)) from None


def _cmd_test(args: argparse.Namespace) -> int:
    from .testing.cases import run

    report = run(args.paths, _readings(args))
    if report.cases == 0:
        msg = "no test cases found (a folder is searched for *.yaml files)"
        raise _NoCases(Diagnostic("DR311", msg, file=", ".join(args.paths)))
    _emit(printable(report.render(coverage=args.coverage)))
    return 0 if report.ok else 1


class _NoCases(DisclosureRulesError, LookupError):
    pass


def _cmd_fmt(args: argparse.Namespace) -> int:
    from .language.formatter import format_text
    from .language.parser import MAX_BYTES

    unformatted = []
    for name in args.files:
        data = read_input(
            name, limit=MAX_BYTES, what="ruleset file", too_large="DR006", unreadable="DR000"
        )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            msg = f"cannot read ruleset file: {exc}"
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
    if args.unverified:
        raise _UsageError("--unverified goes with --results FILE")
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
        from .language import server
    except ModuleNotFoundError as exc:  # pygls or lsprotocol: the editor extra is not installed
        missing = (exc.name or "").partition(".")[0]
        if missing not in ("pygls", "lsprotocol"):
            raise
        needs = f"the language server needs the editor extra ({missing} is not installed)"
        print(f"error: {needs}: pip install 'disclosure-rules[editor]'", file=sys.stderr)
        return 1
    return server.main()


def _explain_saved(args: argparse.Namespace) -> int:
    """Explain from a saved results file, verified first: a file that does not verify is
    refused, or with --unverified shown under a mark saying so (exit status 1)."""
    from .evaluation.audit import render_text, shape_problems
    from .verify import ResultsError, read_results, verify

    doc = read_results(args.results)
    units = doc["units"]
    unit = next((u for u in units if u["id"] == args.unit), None)
    if unit is None:
        msg = f"no unit {args.unit!r} in the saved results"
        hint = did_you_mean(args.unit, (u["id"] for u in units))
        raise ResultsError(Diagnostic("DR302", msg, file=args.results, unit=args.unit, hint=hint))
    if "audit" not in unit:
        msg = "the saved results have no audit (scored with --no-detail)"
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
        msg = "refusing to explain a results file that does not verify"
        hint = "run `disclosure-rules verify` for the details; --unverified shows it anyway"
        raise ResultsError(
            [*check.problems, Diagnostic("DR710", msg, file=args.results, hint=hint)]
        )
    print(capped(check.problems), file=sys.stderr)
    mark = (
        f"UNVERIFIED: {args.results} does not verify ({len(check.problems)} problem(s)); "
        "the figures below may have been edited\n\n"
    )
    _emit(printable(mark + render_text(unit, doc["ruleset"])))
    return 1


def _cmd_verify(args: argparse.Namespace) -> int:
    from .verify import read_results, verify

    doc = read_results(args.results)
    check = verify(
        doc, args.results, ruleset=args.ruleset, facts=args.facts, calendar=_calendar(args)
    )
    if check.problems:
        print(capped(check.problems), file=sys.stderr)
    _emit(printable(check.summary()))
    return 0 if check.ok else 1
