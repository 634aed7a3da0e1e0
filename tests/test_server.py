"""The language server, spoken to over the protocol: ``disclosure-rules lsp`` in a
subprocess, JSON-RPC messages with Content-Length framing on its stdin and stdout.

Every wait has a timeout, so a server that hangs fails its test instead of the suite.
Without the ``editor`` extra (pygls) the protocol tests are skipped; the ``test`` extra
installs it, so they run in CI.
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from disclosure_rules.language.formatter import format_text

TIMEOUT = 30.0  # seconds for any one answer; the server answers in well under one
ROOT = Path(__file__).resolve().parents[1]

RULESET = textwrap.dedent(
    """\
    ruleset t { title "t"
      param per_case = 1 assumed "每件扣分,原文未载明"
      tags township
      section power "用权公开" 4 {
        item hearing "听取意见" 2 cite "附注1:每件扣1分" {
          deduct per_case per missing_hearings
        }
        item appeals "行政复议" 2 {
          deduct 1 when hearing.missing_hearings > 2
        }
      }
    }
    """
)
BAD = textwrap.dedent(
    """\
    ruleset t { title "t"
      param reposted = 1 assumed "原文未载明"
      item a "😀甲" 2 { deduct repost when copied }
    }
    """
)


class Client:
    """A minimal LSP client: framed JSON-RPC over the server's standard streams."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "disclosure_rules", "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.last_id = 0
        self.uri = "file:///tmp/scheme.dr"  # the document a test works on
        self.initialized: dict[str, Any] = {}  # the answer to ``initialize``
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.inbox.put(None)
                    return
                if not line.strip():
                    break
                key, _, value = line.decode("ascii").partition(":")
                if key.lower() == "content-length":
                    length = int(value)
            assert length is not None, "a message without Content-Length"
            self.inbox.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        self.send({"method": method, "params": params})

    def _next(self, deadline: float) -> dict[str, Any]:
        try:
            message = self.inbox.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            raise AssertionError(f"no answer from the server within {TIMEOUT} s") from None
        if message is None:
            stderr = self.process.stderr.read().decode() if self.process.stderr else ""
            raise AssertionError(f"the server closed its output: {stderr}")
        if "method" in message and "id" in message:  # a request from the server
            self.send({"id": message["id"], "result": None})
        return message

    def request(self, method: str, params: dict[str, Any] | None = None) -> Any:
        self.last_id += 1
        self.send({"id": self.last_id, "method": method, "params": params})
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._next(deadline)
            if message.get("id") == self.last_id and "method" not in message:
                assert "error" not in message, message["error"]
                return message.get("result")
            self.notifications.append(message)

    def wait_for(self, method: str) -> dict[str, Any]:
        """The params of the next notification ``method`` about this test's document."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            for index, message in enumerate(self.notifications):
                if message.get("method") == method and message["params"]["uri"] == self.uri:
                    return dict(self.notifications.pop(index)["params"])
            self.notifications.append(self._next(deadline))

    def open(self, text: str) -> list[dict[str, Any]]:
        document = {"uri": self.uri, "languageId": "disclosure-rules", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})
        return list(self.wait_for("textDocument/publishDiagnostics")["diagnostics"])

    def at(self, text: str, needle: str, offset: int = 0) -> dict[str, Any]:
        """Params naming the position of ``needle`` (plus ``offset``) in this document."""
        return {"textDocument": {"uri": self.uri}, "position": _position(text, needle, offset)}

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=TIMEOUT)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@contextlib.contextmanager
def _server(capabilities: dict[str, Any]) -> Iterator[Client]:
    """A started and initialized server."""
    pytest.importorskip("pygls")
    pytest.importorskip("lsprotocol")
    started = Client()
    try:
        params = {"processId": None, "rootUri": None, "capabilities": capabilities}
        started.initialized = started.request("initialize", params)
        started.notify("initialized", {})
        yield started
    finally:
        started.close()


@pytest.fixture(scope="module")
def shared() -> Iterator[Client]:
    # One server for the module: starting one takes seconds (lsprotocol's types).
    with _server({}) as started:
        yield started


@pytest.fixture
def client(shared: Client, request: pytest.FixtureRequest) -> Client:
    """The shared server, on a document of this test's own."""
    shared.uri = f"file:///tmp/{request.node.name.replace('[', '-').rstrip(']')}.dr"
    return shared


def _position(text: str, needle: str, offset: int = 0) -> dict[str, int]:
    """The protocol position of ``needle`` in ``text`` (UTF-16 units: all BMP here)."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    return {"line": line, "character": column}


# ---------------------------------------------------------------- over the protocol


def test_initialize_announces_the_features(client: Client) -> None:
    assert client.initialized["serverInfo"]["name"] == "disclosure-rules"
    capabilities = client.initialized["capabilities"]
    for feature in ("hoverProvider", "definitionProvider", "documentFormattingProvider"):
        assert capabilities[feature]
    assert "completionProvider" in capabilities


def test_open_publishes_every_diagnostic_with_its_code_and_range(client: Client) -> None:
    diagnostics = client.open(BAD)
    by_code = {d["code"]: d for d in diagnostics}
    assert sorted(by_code) == ["DR102", "DR205"]
    error = by_code["DR102"]
    # `repost` starts at character 26 (1-based) of line 3; the emoji before it is one
    # character but two UTF-16 units, so it starts at unit 26, 0-based.
    assert error["range"] == {
        "start": {"line": 2, "character": 26},
        "end": {"line": 2, "character": 32},
    }
    assert error["severity"] == 1
    assert error["source"] == "disclosure-rules"
    assert "unknown parameter 'repost'" in error["message"]
    assert "did you mean 'reposted'?" in error["message"]
    assert by_code["DR205"]["severity"] == 2  # a warning


def test_ranges_count_in_the_encoding_the_client_offers() -> None:
    with _server({"general": {"positionEncodings": ["utf-32"]}}) as utf32:
        assert utf32.initialized["capabilities"]["positionEncoding"] == "utf-32"
        [error] = [d for d in utf32.open(BAD) if d["code"] == "DR102"]
    # In UTF-32 units a column is a character: the emoji counts once.
    assert error["range"]["start"] == {"line": 2, "character": 25}


def test_a_syntax_error_is_published_at_its_token(client: Client) -> None:
    diagnostics = client.open('ruleset t { title "t"\n  item a "甲" "两分"\n}\n')
    assert [(d["code"], d["range"]["start"]) for d in diagnostics] == [
        ("DR001", {"line": 1, "character": 13})
    ]


def test_diagnostics_follow_each_change(client: Client) -> None:
    client.open(BAD)
    fixed = BAD.replace("deduct repost", "deduct reposted")
    change = {
        "textDocument": {"uri": client.uri, "version": 2},
        "contentChanges": [{"text": fixed}],
    }
    client.notify("textDocument/didChange", change)
    published = client.wait_for("textDocument/publishDiagnostics")
    assert [d["code"] for d in published["diagnostics"]] == []


def test_hover_on_a_node_shows_points_max_cite_and_rules(client: Client) -> None:
    client.open(RULESET)
    hover = client.request("textDocument/hover", client.at(RULESET, "hearing ", 2))
    text = hover["contents"]["value"]
    assert "**item** `hearing` 听取意见" in text
    assert "points 2 · max 2" in text
    assert "cite: 「附注1:每件扣1分」" in text
    assert "deduct per_case per missing_hearings" in text


def test_hover_on_a_section_gives_its_maximum(client: Client) -> None:
    client.open(RULESET)
    hover = client.request("textDocument/hover", client.at(RULESET, "power"))
    assert "points 4 · max 4" in hover["contents"]["value"]


def test_hover_on_a_parameter_shows_value_description_and_assumed(client: Client) -> None:
    client.open(RULESET)
    hover = client.request("textDocument/hover", client.at(RULESET, "per_case per"))
    text = hover["contents"]["value"]
    assert "**param** `per_case` = 1" in text
    assert "assumed" in text
    assert "每件扣分,原文未载明" in text


def test_hover_on_an_assumed_node_says_why_it_is_assumed(client: Client) -> None:
    text = 'ruleset t {\n  title "t"\n  item extra "另设" 2 assumed "方案未列此项"\n}\n'
    client.open(text)
    hover = client.request("textDocument/hover", client.at(text, "extra"))
    assert "**item** `extra` 另设 *(assumed: 方案未列此项)*" in hover["contents"]["value"]


def test_hover_over_nothing_answers_null(client: Client) -> None:
    client.open(RULESET)
    assert client.request("textDocument/hover", client.at(RULESET, "{", 0)) is None


def test_a_node_id_inside_a_title_or_a_comment_is_prose(client: Client) -> None:
    text = RULESET.replace('"行政复议"', '"hearing 行政复议"').replace(
        "  tags", "  # hearing\n  tags"
    )
    client.open(text)
    assert client.request("textDocument/hover", client.at(text, "hearing 行政", 2)) is None
    assert client.request("textDocument/hover", client.at(text, "# hearing", 4)) is None


def test_definition_of_a_parameter_is_its_declaration(client: Client) -> None:
    client.open(RULESET)
    location = client.request("textDocument/definition", client.at(RULESET, "per_case per", 3))
    assert location["uri"] == client.uri
    start = _position(RULESET, "per_case = 1")
    end = {"line": start["line"], "character": start["character"] + len("per_case")}
    assert location["range"] == {"start": start, "end": end}


def test_definition_of_the_node_in_a_fact_reference(client: Client) -> None:
    client.open(RULESET)
    location = client.request("textDocument/definition", client.at(RULESET, "hearing.missing", 1))
    start = _position(RULESET, "hearing ")
    end = {"line": start["line"], "character": start["character"] + len("hearing")}
    assert location["range"] == {"start": start, "end": end}


def test_completion_offers_keywords_node_ids_and_parameters(client: Client) -> None:
    client.open(RULESET)
    result = client.request("textDocument/completion", client.at(RULESET, "deduct 1"))
    labels = {item["label"]: item for item in result["items"]}
    for keyword in ("deduct", "per", "when", "cite", "not_applicable", "ruleset"):
        assert labels[keyword]["kind"] == 14  # Keyword
    assert labels["hearing"]["detail"] == "听取意见"
    assert labels["per_case"]["kind"] == 6  # Variable


def test_formatting_returns_the_fmt_layout(client: Client) -> None:
    untidy = RULESET.replace("  item appeals", "item    appeals")
    client.open(untidy)
    options = {"tabSize": 2, "insertSpaces": True}
    edits = client.request(
        "textDocument/formatting", {"textDocument": {"uri": client.uri}, "options": options}
    )
    assert len(edits) == 1
    assert edits[0]["newText"] == format_text(untidy)
    assert edits[0]["range"]["start"] == {"line": 0, "character": 0}
    assert edits[0]["range"]["end"] == {"line": untidy.count("\n"), "character": 0}


def test_formatting_a_file_with_a_syntax_error_edits_nothing(client: Client) -> None:
    client.open(BAD.replace("2 {", "{"))
    options = {"tabSize": 2, "insertSpaces": True}
    edits = client.request(
        "textDocument/formatting", {"textDocument": {"uri": client.uri}, "options": options}
    )
    assert not edits


def test_shutdown_then_exit_ends_the_server() -> None:
    with _server({}) as client:
        assert client.request("shutdown") is None
        client.notify("exit")
        assert client.process.wait(timeout=TIMEOUT) == 0


# ---------------------------------------------------------------- positions, in process


@pytest.fixture
def server() -> Any:
    pytest.importorskip("pygls")
    return pytest.importorskip("disclosure_rules.language.server")


@pytest.mark.parametrize(
    ("encoding", "units"),
    [("utf-16", [0, 1, 2, 4, 5]), ("utf-8", [0, 3, 6, 10, 11]), ("utf-32", [0, 1, 2, 3, 4])],
)
def test_columns_convert_to_and_from_code_units(
    server: Any, encoding: str, units: list[int]
) -> None:
    lines = ("测试😀x",)
    assert [server.to_units(lines, 0, c, encoding).character for c in range(5)] == units
    position = server.lsp.Position
    assert [server.from_units(lines, position(line=0, character=u), encoding) for u in units] == [
        (0, c) for c in range(5)
    ]


def test_a_span_without_an_end_covers_one_character(server: Any) -> None:
    from disclosure_rules.errors import Diagnostic, Span

    lines = ("  item 甲 😀",)
    diagnostic = server.to_diagnostic(
        Diagnostic("DR999", "x", span=Span("f", 1, 10)), lines, "utf-16"
    )
    assert (diagnostic.range.start.character, diagnostic.range.end.character) == (9, 11)


def test_completion_keywords_are_the_grammars(server: Any) -> None:
    assert {"ruleset", "deduct", "assumed", "none", "workdays"} <= set(server.keywords())
    assert all(word.isidentifier() for word in server.keywords())


# ---------------------------------------------------------------- without the extra


def _without(modules: tuple[str, ...], code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter where ``modules`` cannot be imported."""
    blocked = "".join(f"sys.modules[{name!r}] = None\n" for name in modules)
    return subprocess.run(
        [sys.executable, "-c", "import sys\n" + blocked + code],
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 2,
        cwd=ROOT,
    )


def test_the_core_imports_and_checks_without_the_editor_extra() -> None:
    code = (
        "import disclosure_rules\n"
        "from disclosure_rules.cli import main\n"
        "sys.exit(main(['check', 'yifeng-2020-townships']))\n"
    )
    done = _without(("pygments", "pygls", "lsprotocol"), code)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize("missing", ["pygls", "lsprotocol"])
def test_lsp_without_the_editor_extra_says_how_to_install_it(missing: str) -> None:
    done = _without((missing,), "from disclosure_rules.cli import main\nsys.exit(main(['lsp']))\n")
    assert done.returncode == 1
    assert done.stderr == (
        f"error: the language server needs the editor extra ({missing} is not installed): "
        "pip install 'disclosure-rules[editor]'\n"
    )
