"""The ``disclosure-rules`` command line: the last stage of the pipeline.

:mod:`.parser` declares the arguments, :mod:`.commands` holds one function per
command, :mod:`.output` writes what they produce and recognises the kind of a file
named on the command line; the printers are in ``outputs/`` and file access in
``files``. This module is the one error boundary every command runs inside
(:func:`main`): a problem becomes a diagnostic on standard error, ``FILE:LINE:COL: error: CODE …``,
never a traceback (``--debug`` shows one). Exit status: 0 success, 1 diagnostics or
bad input, 2 usage, 130 interrupted (SIGINT), 143 terminated (SIGTERM); ``diff``,
whose 1 means "different", exits 2 on diagnostics (a command's ``error_status``).
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from collections.abc import Sequence

from ..errors import Diagnostic, DisclosureRulesError
from ..files import Terminated, terminating_raises
from ..i18n import _, using_language
from ..outputs.text import capped
from .output import _PROG, _UsageError
from .parser import _argparse_translated, _parser, _requested_language

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every exception ends as a diagnostic and an exit status.

    Help, diagnostics and explanations are in the language of ``--lang``, else of
    ``DISCLOSURE_RULES_LANG``, else of the locale (:mod:`disclosure_rules.i18n`)."""
    args = sys.argv[1:] if argv is None else list(argv)
    with using_language(_requested_language(args)), _argparse_translated():
        return _run(args)


def _run(argv: Sequence[str]) -> int:
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
            _fail(exc, exc.diagnostics, debug)
            return int(getattr(args, "error_status", 1))
        except KeyboardInterrupt as exc:
            _fail(
                exc,
                [Diagnostic("DR621", _("interrupted (SIGINT); nothing was written"), file=_PROG)],
                debug,
            )
            return 130
        except Terminated as exc:
            _fail(
                exc,
                [Diagnostic("DR621", _("terminated (SIGTERM); nothing was written"), file=_PROG)],
                debug,
            )
            return 143
        except RecursionError as exc:
            msg = _("the input nests too deeply to be processed")
            return _fail(
                exc, [Diagnostic("DR603", msg, file=_PROG, hint=_("see docs/limits.md"))], debug
            )
        except MemoryError as exc:
            msg = _("out of memory: the input is too large to be processed")
            return _fail(
                exc, [Diagnostic("DR620", msg, file=_PROG, hint=_("see docs/limits.md"))], debug
            )
        except Exception as exc:
            msg = _("unexpected error: {type}: {exc}").format(type=type(exc).__name__, exc=exc)
            hint = _("this is a bug in disclosure-rules; --debug shows where it happened")
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
