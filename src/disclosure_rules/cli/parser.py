"""The command line's arguments: one subcommand per job, and the options they share."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator, Sequence

from ..i18n import LANGUAGES, gettext, language, translations
from ..outputs.formats import RESULTS_FORMATS
from ..version import __version__
from .output import _PROG


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """What runs command ``name``: its function in :mod:`.commands`, imported when the
    command runs (``--version`` and ``--help`` need none of the commands' imports)."""

    def run(args: argparse.Namespace) -> int:
        from . import commands

        function: Callable[[argparse.Namespace], int] = getattr(commands, f"_cmd_{name}")
        return function(args)

    return run


def _requested_language(argv: Sequence[str]) -> str | None:
    """The ``--lang`` of a command line, read before the parser is built (its help is
    written in that language); an unknown value is left for the parser to refuse."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        if value in LANGUAGES:
            return value
    return None


@contextlib.contextmanager
def _argparse_translated() -> Iterator[None]:
    """argparse's own words ("usage:", "error:", "show this help message and exit") in
    the active language, from the ``argparse`` catalog shipped beside ours. argparse
    looks its gettext functions up as module globals when it writes, so they are
    replaced for the run of a command and put back after."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def translated(text: str) -> str:
        return translations(language(), "argparse").gettext(text)

    def ntranslated(singular: str, plural: str, n: int) -> str:
        return translations(language(), "argparse").ngettext(singular, plural, n)

    argparse._, argparse.ngettext = translated, ntranslated  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help=gettext(
            "the language of messages and help (default: DISCLOSURE_RULES_LANG, else the "
            "locale); for report, also of its labels (default there: zh)"
        ),
    )
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help=gettext("show the traceback of an error (for reporting bugs)"),
    )
    p = argparse.ArgumentParser(
        prog=_PROG,
        description=gettext(
            "Check, describe and score government information-disclosure "
            "(政务公开) assessment rulesets."
        ),
        parents=[common],
    )
    p.add_argument(
        "--version",
        action="version",
        version=f"{_PROG} {__version__}",
        help=gettext("show the version and exit"),
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help, parents=[common])
        parser.set_defaults(run=_command(name))
        return parser

    ls = command("list", gettext("list the shipped rulesets"))
    ls.add_argument("--format", choices=("table", "json"), default="table")

    ck = command("check", gettext("check rulesets; exit 1 on any error"))
    ck.add_argument(
        "rulesets", nargs="+", metavar="RULESET", help=gettext("a .dr file or a shipped id")
    )
    ck.add_argument("--format", choices=("text", "json"), default="text")
    ck.add_argument("--strict", action="store_true", help=gettext("warnings are errors too"))
    _param_option(ck)
    _reading_option(ck)

    ds = command("describe", gettext("the compiled ruleset (nodes, rules, parameters)"))
    ds.add_argument("ruleset", metavar="RULESET")
    ds.add_argument("--format", choices=("json", "text", "dot"), default="text")
    ds.add_argument("-o", "--output", metavar="FILE")
    _param_option(ds)
    _reading_option(ds)

    df = command(
        "diff", gettext("what changed in meaning between two rulesets; exit 1 if anything did")
    )
    df.add_argument("old", metavar="OLD", help=gettext("a .dr file or a shipped id"))
    df.add_argument("new", metavar="NEW", help=gettext("a .dr file or a shipped id"))
    df.add_argument("--format", choices=("text", "json"), default="text")
    _param_option(df)
    _reading_option(df)
    df.set_defaults(error_status=2)  # 1 means "different", as for diff(1)

    sc = command("score", gettext("score a cohort of units from their facts"))
    sc.add_argument("ruleset", metavar="RULESET")
    sc.add_argument(
        "facts",
        metavar="FACTS",
        help=gettext("facts file (.json or .csv), a filled form or a folder of them"),
    )
    sc.add_argument("--format", choices=("json", *RESULTS_FORMATS), default="table")
    sc.add_argument("-o", "--output", metavar="FILE")
    sc.add_argument("--strict", action="store_true", help=gettext("missing facts are errors"))
    sc.add_argument(
        "--no-detail", action="store_true", help=gettext("omit the audit ledger (faster)")
    )
    sc.add_argument(
        "--quiet",
        action="store_true",
        help=gettext("no progress on standard error (shown for long runs when it is a terminal)"),
    )
    sc.add_argument(
        "--audit",
        choices=("compact", "full"),
        default="compact",
        help=gettext(
            "with --format json: the ruleset's nodes and rules written once and the units "
            "referring to them (compact, schema 4, the default), or every unit self-contained "
            "(full, schema 2); docs/audit.md"
        ),
    )
    _param_option(sc)
    _reading_option(sc)
    _calendar_option(sc)

    cp = command(
        "compare",
        gettext(
            "score one cohort under two rulesets, or one ruleset read two ways, and show "
            "whose rank moves and why"
        ),
    )
    cp.add_argument(
        "inputs",
        nargs="+",
        metavar="RULESET",
        help=gettext("RULESET_A RULESET_B FACTS, or RULESET FACTS with --a-…/--b-… options"),
    )
    cp.add_argument("--format", choices=("table", "json", "csv"), default="table")
    cp.add_argument("-o", "--output", metavar="FILE")
    cp.add_argument("--strict", action="store_true", help=gettext("missing facts are errors"))
    _param_option(cp)
    _reading_option(cp)
    for side in ("a", "b"):
        cp.add_argument(
            f"--{side}-param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help=gettext("a parameter value on side {side} only (repeatable)").format(
                side=side.upper()
            ),
        )
        cp.add_argument(
            f"--{side}-reading",
            action="append",
            default=[],
            metavar="NAME=ALTERNATIVE",
            help=gettext("a reading on side {side} only (repeatable)").format(side=side.upper()),
        )
    _calendar_option(cp)

    sv = command(
        "sensitivity",
        gettext(
            "each unit's rank interval over the choices a ruleset leaves open (assumed "
            "parameters over their ranges, readings, weights)"
        ),
    )
    sv.add_argument("ruleset", metavar="RULESET")
    sv.add_argument("facts", metavar="FACTS", help=gettext("facts file (.json or .csv)"))
    sv.add_argument("--format", choices=("table", "json"), default="table")
    sv.add_argument("-o", "--output", metavar="FILE")
    sv.add_argument(
        "--weights",
        metavar="SHARE",
        help=gettext("also perturb each component's weight by ± this share, e.g. 10%%"),
    )
    sv.add_argument(
        "--samples",
        type=int,
        default=1000,
        metavar="N",
        help=gettext("runs sampled when the space is too large to score whole (default 1000)"),
    )
    sv.add_argument("--seed", type=int, default=0, help=gettext("the sample's seed (default 0)"))
    _param_option(sv)
    _reading_option(sv)
    _calendar_option(sv)

    rp = command(
        "report", gettext("the assessment report: overview, results, findings, unit pages")
    )
    rp.add_argument("ruleset", metavar="RULESET")
    rp.add_argument("facts", metavar="FACTS", help=gettext("facts file (.json or .csv)"))
    rp.add_argument(
        "--format",
        choices=("html", "md", "pdf"),
        help=gettext("default: from -o's suffix, else html"),
    )
    rp.add_argument("-o", "--output", metavar="FILE", help=gettext("required for pdf"))
    rp.add_argument(
        "--advice", metavar="FILE", help=gettext("the office's recommendations (UTF-8 text)")
    )
    rp.add_argument(
        "--top", type=int, metavar="N", help=gettext("list each group's top and bottom N")
    )
    rp.add_argument(
        "--font", metavar="FILE", help=gettext("a font file with Chinese glyphs for charts")
    )
    rp.add_argument(
        "--browser", metavar="PATH", help=gettext("the Chromium or Chrome that prints PDF")
    )
    rp.add_argument("--strict", action="store_true", help=gettext("missing facts are errors"))
    _param_option(rp)
    _reading_option(rp)
    _calendar_option(rp)
    fm = command("form", gettext("write the self-assessment form (自评表) of a ruleset as .xlsx"))
    fm.add_argument("ruleset", metavar="RULESET")
    fm.add_argument(
        "-o", "--output", metavar="PATH", required=True,
        help=gettext("the form (.xlsx); with several --unit, a folder for one form per unit"),
    )  # fmt: skip
    fm.add_argument(
        "--unit", action="append", default=[], metavar="ID[=TAGS]",
        help=gettext(
            "the unit a form is for, with its tags (e.g. --unit 新昌镇=township); repeatable"
        ),
    )  # fmt: skip
    fm.add_argument("--deadline", metavar="DATE", help=gettext("the deadline printed on the cover"))
    _param_option(fm)
    _reading_option(fm)

    fc = command("facts", gettext("read filled forms into a facts file (JSON)"))
    fc.add_argument("ruleset", metavar="RULESET")
    fc.add_argument(
        "forms", nargs="+", metavar="FORM", help=gettext("filled forms, or folders of them")
    )
    fc.add_argument("-o", "--output", metavar="FILE")
    _param_option(fc)
    _reading_option(fc)

    ts = command("test", gettext("run ruleset test cases (YAML); exit 1 on any failure"))
    ts.add_argument(
        "paths", nargs="+", metavar="PATH", help=gettext("case files or folders of them")
    )
    ts.add_argument(
        "--coverage",
        action="store_true",
        help=gettext("report which rules, clamps, N/A policies and grades were exercised"),
    )
    _reading_option(ts)

    fm = command("fmt", gettext("print rulesets in the canonical layout (comments kept)"))
    fm.add_argument("files", nargs="+", metavar="FILE", help=gettext(".dr files"))
    mode = fm.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help=gettext("change nothing; exit 1 if any file is not formatted"),
    )
    mode.add_argument(
        "-w", "--write", action="store_true", help=gettext("rewrite the files in place")
    )

    ex = command("explain", gettext("explain one unit's score, step by step"))
    ex.add_argument("ruleset", metavar="RULESET", nargs="?")
    ex.add_argument("facts", metavar="FACTS", nargs="?")
    ex.add_argument("--unit", required=True, metavar="ID")
    ex.add_argument(
        "--results",
        metavar="FILE",
        help=gettext(
            "explain from a saved `score --format json` file (verified first) instead of re-scoring"
        ),
    )
    ex.add_argument(
        "--facts",
        dest="results_facts",
        metavar="FACTS",
        help=gettext(
            "with --results: the facts it was scored from, to show the evidence references "
            "a compact file leaves to them (their hash checked first)"
        ),
    )
    ex.add_argument(
        "--unverified",
        action="store_true",
        help=gettext("with --results: show a file that does not verify, marked as unverified"),
    )
    ex.add_argument("--strict", action="store_true")
    _param_option(ex)
    _reading_option(ex)
    _calendar_option(ex)

    vf = command(
        "verify", gettext("check a saved results file's integrity; exit 1 if anything differs")
    )
    vf.add_argument("results", metavar="RESULTS", help=gettext("a `score --format json` file"))
    vf.add_argument("--ruleset", metavar="RULESET", help=gettext("the ruleset it was scored with"))
    vf.add_argument(
        "--facts", metavar="FACTS", help=gettext("the facts it was scored from (re-scores)")
    )
    _calendar_option(vf)
    lsp = sub.add_parser(
        "lsp", help=gettext("start the language server on stdio (the editor extra)")
    )
    lsp.set_defaults(run=_command("lsp"))  # not `command`: it takes none of the common options
    return p


def _param_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=gettext("override a parameter (repeatable), e.g. --param reposted=1"),
    )


def _reading_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--reading",
        action="append",
        default=[],
        metavar="NAME=ALTERNATIVE",
        help=gettext(
            "read an ambiguous clause another way (repeatable; `describe` lists the "
            "readings), e.g. --reading floor_scope=whole_100"
        ),
    )


def _calendar_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--calendar",
        action="append",
        default=[],
        metavar="FILE",
        help=gettext(
            "a JSON schedule of holidays and make-up working days for a year the "
            "official calendar does not cover yet (repeatable; docs/dates.md)"
        ),
    )
