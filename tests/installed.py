"""Running the installed ``disclosure-rules`` command as users do, within time and memory.

Each run happens in a given folder, with a timeout and an address-space limit set in
the child (``resource.setrlimit`` before the program starts), and asserts what every
run must hold whatever the input: no Python traceback on standard error.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

COMMAND = str(Path(sys.executable).with_name("disclosure-rules"))
if not Path(COMMAND).exists():  # pragma: no cover - a venv without the script next to python
    COMMAND = shutil.which("disclosure-rules") or COMMAND

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TIMEOUT = 10.0
MEMORY = 1024**3


def limits(memory: int = MEMORY) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        os.umask(0o022)

    return apply


def run(
    *args: str,
    cwd: Path,
    timeout: float = TIMEOUT,
    memory: int = MEMORY,
    check_traceback: bool = True,
    **kwargs: Any,
) -> subprocess.CompletedProcess[str]:
    """The command's result; fails the test on a traceback (unless asked for) or a hang."""
    kwargs.setdefault("stdout", subprocess.PIPE)
    result = subprocess.run(
        [COMMAND, *args],
        cwd=cwd,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
        timeout=timeout,
        preexec_fn=limits(memory),
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        **kwargs,
    )
    if check_traceback:
        assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1, 2), (result.returncode, result.stderr)
    return result


def snapshot(folder: Path) -> dict[str, tuple[str, int, bytes | str]]:
    """Every entry of a folder: its kind, mode and content (a link: where it points)."""
    out: dict[str, tuple[str, int, bytes | str]] = {}
    for path in sorted(folder.rglob("*")):
        st = path.lstat()
        name = str(path.relative_to(folder))
        if path.is_symlink():
            out[name] = ("link", 0, os.readlink(path))
        elif path.is_file():
            out[name] = ("file", st.st_mode & 0o7777, path.read_bytes())
        else:
            out[name] = ("other", st.st_mode, b"")
    return out


def temporary_files(folders: Iterable[Path]) -> list[Path]:
    """Hidden files left beside outputs (the writer's temporary files start with a dot)."""
    return [p for folder in folders for p in folder.iterdir() if p.name.startswith(".")]
