"""Output files and input files under attack, through the installed command.

Every run ends with exit 0, 1 or 2, no traceback, within its time and memory, and the
file system as it was: links still links, modes kept, inputs intact, no temporary file.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
from installed import COMMAND, EXAMPLES, limits, run, snapshot, temporary_files

from disclosure_rules.files import (
    FileProblem,
    Terminated,
    read_input,
    terminating_raises,
    write_output,
)

Y = "yifeng-2020-townships"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder holding a copy of the Yifeng townships example facts, as ex.json."""
    shutil.copy(EXAMPLES / f"{Y}.facts.json", tmp_path / "ex.json")
    return tmp_path


def score(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run("score", Y, "ex.json", "--format", "json", *args, cwd=work)


# ---------------------------------------------------------------- -o


def test_output_through_a_symlink_writes_its_target_and_keeps_the_link(work: Path) -> None:
    (work / "real.json").write_text("{}", encoding="utf-8")
    (work / "real.json").chmod(0o640)
    (work / "link.json").symlink_to("real.json")
    assert score(work, "-o", "link.json").returncode == 0
    assert (work / "link.json").is_symlink() and os.readlink(work / "link.json") == "real.json"
    assert (work / "real.json").read_text(encoding="utf-8").startswith('{\n  "schema"')
    assert stat.S_IMODE((work / "real.json").stat().st_mode) == 0o640
    assert temporary_files([work]) == []


def test_a_new_output_gets_the_umask_mode_not_0600(work: Path) -> None:
    assert score(work, "-o", "new.json").returncode == 0
    assert stat.S_IMODE((work / "new.json").stat().st_mode) == 0o644


def test_an_existing_output_keeps_its_mode(work: Path) -> None:
    (work / "out.json").write_text("old", encoding="utf-8")
    (work / "out.json").chmod(0o664)
    assert score(work, "-o", "out.json").returncode == 0
    assert stat.S_IMODE((work / "out.json").stat().st_mode) == 0o664


@pytest.mark.parametrize(
    ("target", "code", "words"),
    [
        ("/dev/null", "DR611", "the output is a device"),
        ("fifo", "DR611", "the output is a FIFO"),
        ("folder", "DR611", "the output is a folder"),
        ("missing/out.json", "DR610", "does not exist"),
        ("/proc/out.json", "DR610", "cannot write"),
        ("", "DR613", "the output file name is empty"),
        ("ex.json", "DR612", "an input of this run"),
        ("facts-link.json", "DR612", "an input of this run"),
    ],
)
def test_a_refused_output_is_a_diagnostic_and_changes_nothing(
    work: Path, target: str, code: str, words: str
) -> None:
    os.mkfifo(work / "fifo")
    (work / "folder").mkdir()
    (work / "facts-link.json").symlink_to("ex.json")
    before = snapshot(work)
    result = score(work, "-o", target)
    assert result.returncode == 1
    assert f"error: {code} " in result.stderr and words in result.stderr
    assert result.stdout == ""
    assert snapshot(work) == before
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_describe_refuses_to_overwrite_its_ruleset_file(work: Path) -> None:
    (work / "r.dr").write_bytes(b'ruleset r { title "t" item a "\xe7\x94\xb2" 2 }\n')
    before = snapshot(work)
    result = run("describe", "r.dr", "-o", "r.dr", cwd=work)
    assert result.returncode == 1 and "DR612" in result.stderr
    assert snapshot(work) == before


def test_sigterm_during_scoring_to_a_file_leaves_no_temporary_file(work: Path) -> None:
    process = subprocess.Popen(
        [COMMAND, "score", Y, "ex.json", "--format", "json", "-o", "out.json"],
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=limits(),
    )
    time.sleep(0.8)  # within the run: loading, scoring or writing
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=10)
    assert b"Traceback" not in err
    assert process.returncode in (0, 143, -signal.SIGTERM)
    assert temporary_files([work]) == []


def test_a_write_interrupted_at_the_rename_removes_its_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_output(str(tmp_path / "out.txt"), b"data")
    assert list(tmp_path.iterdir()) == []


def test_sigterm_raises_where_the_program_is_so_clean_up_runs() -> None:
    with pytest.raises(Terminated), terminating_raises():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)


def test_write_output_refuses_an_input_unless_it_may_replace_it(tmp_path: Path) -> None:
    source = tmp_path / "a.dr"
    source.write_text("x", encoding="utf-8")
    with pytest.raises(FileProblem) as info:
        write_output(str(source), b"y", inputs=[source])
    assert info.value.diagnostics[0].code == "DR612"
    write_output(str(source), b"y", inputs=[source], may_replace=[source])
    assert source.read_text(encoding="utf-8") == "y"


# ---------------------------------------------------------------- fmt -w


def test_fmt_write_through_a_symlink_keeps_the_link_and_the_mode(tmp_path: Path) -> None:
    real = tmp_path / "real.dr"
    real.write_text('ruleset m {   title  "t"\n item a "甲" 2 }\n', encoding="utf-8")
    real.chmod(0o600)
    (tmp_path / "link.dr").symlink_to("real.dr")
    assert run("fmt", "-w", "link.dr", cwd=tmp_path).returncode == 0
    assert (tmp_path / "link.dr").is_symlink()
    assert real.read_text(encoding="utf-8") == 'ruleset m {\n  title "t"\n\n  item a "甲" 2\n}\n'
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert temporary_files([tmp_path]) == []


# ---------------------------------------------------------------- standard output


def test_standard_output_closed_early_is_a_diagnostic(work: Path) -> None:
    process = subprocess.Popen(
        [COMMAND, "score", Y, "ex.json", "--format", "json"],
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=limits(),
    )
    assert process.stdout is not None
    process.stdout.close()  # the reader goes away (`| head` that has read enough)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 1
    assert b"DR614 standard output was closed" in err and b"Traceback" not in err


def test_standard_output_full_is_a_diagnostic(work: Path) -> None:
    with open("/dev/full", "w") as full:
        result = run("score", Y, "ex.json", cwd=work, stdout=full)
    assert result.returncode == 1
    assert "DR614 cannot write to standard output: no space left on device" in result.stderr


# ---------------------------------------------------------------- inputs


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["verify", "/dev/zero"], "DR600"),
        (["explain", "--results", "/dev/zero", "--unit", "x"], "DR600"),
        (["fmt", "/dev/zero"], "DR000"),
        (["test", "/dev/zero"], "DR311"),
        (["score", Y, "ex.json", "--calendar", "/dev/zero"], "DR502"),
        (["verify", "fifo"], "DR600"),
        (["fmt", "fifo"], "DR000"),
        (["test", "fifo"], "DR311"),
        (["score", Y, "ex.json", "--calendar", "fifo"], "DR502"),
    ],
)
def test_devices_and_fifos_as_input_end_in_a_diagnostic_at_once(
    work: Path, args: list[str], code: str
) -> None:
    os.mkfifo(work / "fifo")
    start = time.monotonic()
    result = run(*args, cwd=work, timeout=5)
    assert result.returncode == 1
    assert f"error: {code} " in result.stderr and "not a regular file" in result.stderr
    assert time.monotonic() - start < 5


def test_a_results_file_over_the_limit_is_refused_before_reading(work: Path) -> None:
    from disclosure_rules.verify import MAX_RESULTS_BYTES

    with open(work / "huge.json", "wb") as fh:  # sparse: no disk is used
        fh.truncate(MAX_RESULTS_BYTES + 1)
    result = run("verify", "huge.json", cwd=work)
    assert result.returncode == 1
    assert (
        f"DR601 the results file is {MAX_RESULTS_BYTES + 1:,} bytes; the limit for a results "
        f"file is {MAX_RESULTS_BYTES:,} bytes"
    ) in result.stderr


def test_a_calendar_over_the_limit_is_refused(work: Path) -> None:
    from disclosure_rules.workdays import MAX_CALENDAR_BYTES

    (work / "cal.json").write_bytes(b" " * (MAX_CALENDAR_BYTES + 1))
    result = run("score", Y, "ex.json", "--calendar", "cal.json", cwd=work)
    assert result.returncode == 1 and "DR601 the calendar file is" in result.stderr


def test_a_ruleset_over_the_limit_is_refused_by_fmt(work: Path) -> None:
    from disclosure_rules.language.parser import MAX_BYTES

    with open(work / "big.dr", "wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    result = run("fmt", "big.dr", cwd=work)
    assert result.returncode == 1 and "DR006 the ruleset file is" in result.stderr


def test_a_missing_input_is_a_diagnostic(work: Path) -> None:
    result = run("verify", "nowhere.json", cwd=work)
    assert result.returncode == 1
    assert "nowhere.json: error: DR600 cannot read results file: no such file or directory" in (
        result.stderr
    )


def test_a_ruleset_over_the_limit_is_refused_before_it_is_read(work: Path) -> None:
    from disclosure_rules.language.parser import MAX_BYTES

    with open(work / "big.dr", "wb") as fh:  # sparse: refused by its size, not read
        fh.truncate(50 * MAX_BYTES)
    result = run("check", "big.dr", cwd=work, memory=512 * 1024**2)
    assert result.returncode == 1
    assert (
        f"big.dr: error: DR006 the ruleset file is {50 * MAX_BYTES:,} bytes; the limit for a "
        f"ruleset file is {MAX_BYTES:,} bytes"
    ) in result.stderr


@pytest.mark.parametrize("limit, grows_past", [(1000, False), (100, True)])
def test_a_file_that_grows_while_read_is_read_whole_within_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int, grows_past: bool
) -> None:
    """The size a file had when opened is read in one go, and what it grew by after; the
    limit holds for the whole (a file seen at 40 bytes that holds 200 grew by 160)."""
    path = tmp_path / "growing.json"
    path.write_bytes(b"x" * 200)
    real_fstat = os.fstat

    def seen_small(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        fields = list(st)
        fields[6] = 40  # st_size, as when the file was opened
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", seen_small)
    if grows_past:
        with pytest.raises(FileProblem, match="grew past it while being read"):
            read_input(path, limit=limit, what="facts file")
    else:
        assert read_input(path, limit=limit, what="facts file") == b"x" * 200
