"""Reading and writing files safely: the ground floor every reader and the command line use.

Reading (:func:`read_input`) opens a path without blocking, refuses anything that is
not a regular file (a FIFO would block forever, ``/dev/zero`` never ends), and reads
in bounded chunks up to a declared limit, so a file that grows while it is read is
caught too. Writing (:func:`write_output`) goes through a temporary file in the
target's own folder and a rename, after resolving symbolic links to their target;
it refuses devices, FIFOs and folders, keeps an existing file's mode, refuses to
overwrite an input of the same run, and removes its temporary file on any failure or
interruption. Every refusal is a :class:`FileProblem` with a code (docs/limits.md).
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import types
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import Diagnostic, DisclosureRulesError
from .i18n import _

__all__ = [
    "CHUNK_BYTES",
    "FileProblem",
    "Terminated",
    "check_output",
    "describe_kind",
    "read_input",
    "same_file",
    "terminating_raises",
    "write_chunks",
    "write_output",
]

CHUNK_BYTES = 1024 * 1024
"""Bytes read at a time: a file is never read past its limit by more than this."""


class FileProblem(DisclosureRulesError, OSError):
    """A file cannot be read or written as asked (docs/limits.md lists each code)."""


def _problem(code: str, message: str, file: str, hint: str | None = None) -> FileProblem:
    return FileProblem(Diagnostic(code, message, file=file, hint=hint))


def describe_kind(mode: int) -> str:
    """A file type in words, for a refusal: ``a FIFO``, ``a folder``, ``a device``."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


# ---------------------------------------------------------------- reading


def read_input(
    path: str | os.PathLike[str],
    *,
    limit: int,
    what: str,
    too_large: str = "DR601",
    unreadable: str = "DR600",
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    ``what`` names the file's role in messages (``ruleset file``, ``results file``).
    A file over the limit is refused with code ``too_large`` (each kind of file keeps
    its own code), anything else that cannot be read with ``unreadable``: missing,
    not permitted, a folder, a FIFO, a device (refused before any byte is read).
    """
    name = os.fspath(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        msg = _("cannot read {what}: {reason}").format(what=what, reason=_reason(exc))
        raise _problem(unreadable, msg, name) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):  # before fdopen, which refuses a folder with its own error
        os.close(fd)
        msg = _("cannot read {what}: it is {kind}, not a regular file").format(
            what=what, kind=describe_kind(mode)
        )
        raise _problem(unreadable, msg, name)
    with os.fdopen(fd, "rb") as fh:
        size = os.fstat(fd).st_size
        if size > limit:
            raise _too_large(too_large, what, name, limit, size)
        try:
            # the size it had when opened in one read, into one buffer (a large file is
            # never held twice, as chunks and joined); then whatever it grew by, in chunks
            data = fh.read(size)
            grown = list(
                _chunks(fh, limit - len(data), lambda: _too_large(too_large, what, name, limit))
            )
        except OSError as exc:
            msg = _("cannot read {what}: {reason}").format(what=what, reason=_reason(exc))
            raise _problem(unreadable, msg, name) from None
    return data + b"".join(grown) if grown else data


def _chunks(fh: BinaryIO, limit: int, over: Callable[[], FileProblem]) -> Iterator[bytes]:
    total = 0
    while chunk := fh.read(min(CHUNK_BYTES, limit + 1 - total)):
        total += len(chunk)
        if total > limit:
            raise over()
        yield chunk


def _too_large(code: str, what: str, name: str, limit: int, size: int | None = None) -> FileProblem:
    found = (
        _("is {size:,} bytes").format(size=size)
        if size is not None
        else _("grew past it while being read")
    )
    msg = _("the {what} {found}; the limit for a {what} is {limit:,} bytes").format(
        what=what, found=found, limit=limit
    )
    return _problem(code, msg, name, _("see docs/limits.md"))


def _reason(exc: OSError) -> str:
    """An OS error in words, without Python's ``[Errno 2]`` and the repeated path."""
    return exc.strerror.lower() if exc.strerror else str(exc)


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same file (through links); False if either is missing."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# ---------------------------------------------------------------- writing


def write_output(
    path: str,
    data: bytes,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    may_replace: Iterable[str | os.PathLike[str]] = (),
) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file beside the target, then a rename.

    A symbolic link is written through to its target (the link stays a link). Folders,
    FIFOs and devices are refused, and so is any of ``inputs`` unless it is one of
    ``may_replace`` (``fmt -w`` rewrites its own input). An existing file keeps its
    mode; a new one gets the mode the umask gives. On any failure, SIGINT or SIGTERM
    the temporary file is removed and the target is left as it was.
    """
    write_chunks(path, (data,), inputs=inputs, may_replace=may_replace)


def write_chunks(
    path: str,
    chunks: Iterable[bytes],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    may_replace: Iterable[str | os.PathLike[str]] = (),
) -> None:
    """:func:`write_output` for an output made piece by piece: each chunk is written to
    the temporary file as it is produced (a large output is never held whole), and the
    rename happens only after the last one. A failure while producing the chunks leaves
    the target as it was, just as a failure while writing does."""
    target, shown, mode = check_output(path, inputs=inputs, may_replace=may_replace)
    folder = os.path.dirname(target)
    import tempfile  # here, not at start-up: only a command that writes a file needs it

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", dir=folder)
    except OSError as exc:
        raise _problem(
            "DR610",
            _("cannot write in {folder}: {reason}").format(folder=folder, reason=_reason(exc)),
            shown,
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
            os.fchmod(fh.fileno(), mode)
        os.replace(tmp, target)
    except FileProblem:  # raised while producing a chunk: already says what and where
        Path(tmp).unlink(missing_ok=True)
        raise
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _problem(
            "DR610", _("cannot write: {reason}").format(reason=_reason(exc)), shown
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_output(
    path: str,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    may_replace: Iterable[str | os.PathLike[str]] = (),
) -> tuple[str, str, int]:
    """Refuse an output path :func:`write_output` would refuse, before any work is done.

    Returns the real target (symbolic links resolved), the name to show, and its mode.
    """
    if not path:
        raise _problem("DR613", _("the output file name is empty"), "<output>", _("give -o FILE"))
    target = os.path.realpath(path)
    shown = path if target == os.path.abspath(path) else f"{path} (→ {target})"
    replaceable = list(may_replace)
    for source in inputs:
        if same_file(source, target) and not any(same_file(r, target) for r in replaceable):
            msg = _("the output would overwrite {path}, an input of this run").format(
                path=os.fspath(source)
            )
            raise _problem("DR612", msg, shown, _("write the output to another file"))
    mode = _target_mode(target, shown)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise _problem(
            "DR610",
            _("cannot write: the folder {folder} does not exist").format(folder=folder),
            shown,
        )
    if not os.access(folder, os.W_OK):
        raise _problem(
            "DR610", _("cannot write in {folder}: permission denied").format(folder=folder), shown
        )
    return target, shown, mode


def _target_mode(target: str, shown: str) -> int:
    """The mode the written file gets: the existing file's, or the umask's for a new one."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
    except OSError as exc:
        raise _problem(
            "DR610", _("cannot write: {reason}").format(reason=_reason(exc)), shown
        ) from None
    if not stat.S_ISREG(st.st_mode):
        msg = _("refusing to write: the output is {kind}, not a regular file").format(
            kind=describe_kind(st.st_mode)
        )
        raise _problem("DR611", msg, shown, _("give the name of a regular file"))
    return stat.S_IMODE(st.st_mode)


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that clean-up (``finally``) runs."""


@contextlib.contextmanager
def terminating_raises() -> Iterator[None]:
    """While active, SIGTERM raises :class:`Terminated` instead of ending the process at once."""

    def handler(signum: int, frame: types.FrameType | None) -> None:
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave the default in place
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
