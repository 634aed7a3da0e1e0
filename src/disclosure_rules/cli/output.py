"""What the commands write and where: standard output or a file written safely, and
the kind of a file named on the command line, recognised from its opening."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import (
    Diagnostic,
    DisclosureRulesError,
)
from ..files import (
    FileProblem,
    write_chunks,
    write_output,
)
from ..i18n import _

if TYPE_CHECKING:  # the commands import what they need: `--version` needs none of it
    pass


_PROG = "disclosure-rules"  # where a problem of the run itself, not of a file, is reported


class _UsageError(Exception):
    pass


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
        msg = _("standard output was closed before the output was written")
        raise FileProblem(Diagnostic("DR614", msg, file="<stdout>")) from None
    except OSError as exc:
        _silence_stdout()
        msg = _("cannot write to standard output: {reason}").format(
            reason=(exc.strerror or str(exc)).lower()
        )
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
        msg = _("standard output was closed before the output was written")
        raise FileProblem(Diagnostic("DR614", msg, file="<stdout>")) from None
    except OSError as exc:
        if isinstance(exc, FileProblem):
            raise
        _silence_stdout()
        msg = _("cannot write to standard output: {reason}").format(
            reason=(exc.strerror or str(exc)).lower()
        )
        raise FileProblem(Diagnostic("DR614", msg, file="<stdout>")) from None


def _encoded(text: str, file: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _unencodable(exc, file) from None


def _unencodable(exc: UnicodeEncodeError, file: str) -> FileProblem:
    bad = exc.object[exc.start : exc.end]
    where = ", ".join(f"U+{ord(c):04X}" for c in bad[:4])
    msg = _("the output holds text no encoding can write ({where}, a lone surrogate?)").format(
        where=where
    )
    if exc.encoding.replace("-", "").lower() != "utf8":
        msg = _("the output holds text {encoding} cannot write ({where})").format(
            encoding=exc.encoding, where=where
        )
        hint = _("set PYTHONIOENCODING=utf-8, or write to a file with -o")
        return FileProblem(Diagnostic("DR615", msg, file=file, hint=hint))
    return FileProblem(Diagnostic("DR615", msg, file=file, hint=_("correct the input's text")))


def _silence_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's last flush cannot fail."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # not a real file (tests)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


_KINDS = {
    "ruleset": _("a ruleset file"),
    "facts": _("a facts file"),
    "results": _("a results file"),
    "cases": _("a case file"),
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
    msg = _("this is {kind}, not {expected}").format(kind=_KINDS[kind], expected=_KINDS[expected])
    hints = {
        "ruleset": _("the ruleset comes first: disclosure-rules score RULESET FACTS"),
        "facts": _("facts come after the ruleset: disclosure-rules score RULESET FACTS"),
        "results": _("a saved results file is read by: disclosure-rules explain --results FILE"),
        "cases": _("a case file is run by: disclosure-rules test FILE"),
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
