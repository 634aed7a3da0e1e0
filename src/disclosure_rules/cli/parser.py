"""The command line's arguments: one subcommand per job, and the options they share."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..outputs.formats import RESULTS_FORMATS
from ..version import __version__
from .commands import (
    _cmd_check,
    _cmd_compare,
    _cmd_describe,
    _cmd_diff,
    _cmd_explain,
    _cmd_facts,
    _cmd_fmt,
    _cmd_form,
    _cmd_list,
    _cmd_lsp,
    _cmd_report,
    _cmd_score,
    _cmd_sensitivity,
    _cmd_test,
    _cmd_verify,
)
from .output import _PROG

if TYPE_CHECKING:  # the commands import what they need: `--version` needs none of it
    pass


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

    df = command("diff", "what changed in meaning between two rulesets; exit 1 if anything did")
    df.add_argument("old", metavar="OLD", help="a .dr file or a shipped id")
    df.add_argument("new", metavar="NEW", help="a .dr file or a shipped id")
    df.add_argument("--format", choices=("text", "json"), default="text")
    _param_option(df)
    _reading_option(df)
    df.set_defaults(run=_cmd_diff, error_status=2)  # 1 means "different", as for diff(1)

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

    cp = command(
        "compare",
        "score one cohort under two rulesets, or one ruleset read two ways, and show "
        "whose rank moves and why",
    )
    cp.add_argument(
        "inputs",
        nargs="+",
        metavar="RULESET",
        help="RULESET_A RULESET_B FACTS, or RULESET FACTS with --a-…/--b-… options",
    )
    cp.add_argument("--format", choices=("table", "json", "csv"), default="table")
    cp.add_argument("-o", "--output", metavar="FILE")
    cp.add_argument("--strict", action="store_true", help="missing facts are errors")
    _param_option(cp)
    _reading_option(cp)
    for side in ("a", "b"):
        cp.add_argument(
            f"--{side}-param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help=f"a parameter value on side {side.upper()} only (repeatable)",
        )
        cp.add_argument(
            f"--{side}-reading",
            action="append",
            default=[],
            metavar="NAME=ALTERNATIVE",
            help=f"a reading on side {side.upper()} only (repeatable)",
        )
    _calendar_option(cp)
    cp.set_defaults(run=_cmd_compare)

    sv = command(
        "sensitivity",
        "each unit's rank interval over the choices a ruleset leaves open (assumed "
        "parameters over their ranges, readings, weights)",
    )
    sv.add_argument("ruleset", metavar="RULESET")
    sv.add_argument("facts", metavar="FACTS", help="facts file (.json or .csv)")
    sv.add_argument("--format", choices=("table", "json"), default="table")
    sv.add_argument("-o", "--output", metavar="FILE")
    sv.add_argument(
        "--weights",
        metavar="SHARE",
        help="also perturb each component's weight by ± this share, e.g. 10%%",
    )
    sv.add_argument(
        "--samples",
        type=int,
        default=1000,
        metavar="N",
        help="runs sampled when the space is too large to score whole (default 1000)",
    )
    sv.add_argument("--seed", type=int, default=0, help="the sample's seed (default 0)")
    _param_option(sv)
    _reading_option(sv)
    _calendar_option(sv)
    sv.set_defaults(run=_cmd_sensitivity)

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
