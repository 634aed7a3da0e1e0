"""PDF: the HTML report printed to A4 by a headless Chromium (or Chrome) on this machine.

No browser is downloaded: the one installed is used (``chromium``, ``chromium-browser``,
``google-chrome``, or the path given). The page is printed from a temporary file with
the network off, in a throwaway profile; its print stylesheet sets A4, a page per unit
and rows that are never cut.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import Diagnostic
from ..i18n import _
from .errors import ReportError

__all__ = ["BROWSERS", "find_browser", "print_pdf"]

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
"""Browser commands tried, in this order, when none is named."""

_TIMEOUT = 180  # seconds: a report of a few thousand units prints well within this


def find_browser(browser: str | None = None) -> str:
    """The browser to print with: ``browser`` (a path or command), else the first of
    :data:`BROWSERS` on PATH; a :class:`ReportError` (DR902) when there is none."""
    for name in (browser,) if browser else BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    tried = browser or ", ".join(BROWSERS)
    msg = _("PDF output needs a headless Chromium or Chrome, and none was found ({tried})").format(
        tried=tried
    )
    hint = _(
        "install one (Debian/Ubuntu: apt-get install chromium), name "
        "it with --browser, or use --format html"
    )
    raise ReportError(Diagnostic("DR902", msg, file="<report>", hint=hint))


def print_pdf(page: str, browser: str | None = None) -> bytes:
    """The PDF of the HTML ``page``, printed by the headless browser."""
    command = find_browser(browser)
    with tempfile.TemporaryDirectory(prefix="disclosure-rules-report-") as work:
        folder = Path(work)
        source = folder / "report.html"
        target = folder / "report.pdf"
        source.write_text(page, encoding="utf-8")
        args = [
            command,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--proxy-server=127.0.0.1:9",  # nothing may be fetched: the page is self-contained
            f"--user-data-dir={folder / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        try:
            done = subprocess.run(args, capture_output=True, timeout=_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise _failed(command, str(exc)) from None
        if not target.is_file() or target.stat().st_size == 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise _failed(command, f"exit status {done.returncode}; " + " ".join(detail))
        return target.read_bytes()


def _failed(command: str, detail: str) -> ReportError:
    msg = _("the browser did not print the report: {detail}").format(detail=detail)
    return ReportError(
        Diagnostic("DR904", msg, file=command, hint=_("run it with --debug, or use --format html"))
    )
