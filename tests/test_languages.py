"""Messages in Chinese: the same diagnostics, codes and places, in the reader's language.

English is the source language; ``--lang zh``, ``DISCLOSURE_RULES_LANG=zh`` or a
Chinese locale give Chinese diagnostics, help and explanations. Codes, spans and the
JSON outputs never change with the language."""

from __future__ import annotations

import copy
import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

import disclosure_rules as dr
from disclosure_rules.cli import main
from disclosure_rules.i18n import Message, _, alternatives, language, localized, using_language

BAD = sorted((Path(__file__).parent / "fixtures" / "bad").glob("*.dr"))
EXAMPLES = Path(__file__).parents[1] / "examples"
TOWNSHIPS = EXAMPLES / "yifeng-2020-townships.facts.json"
CJK = re.compile("[\u4e00-\u9fff]")
# FILE:LINE:COL: SEVERITY: CODE message  (or FILE: SEVERITY: CODE for a whole file)
DIAGNOSTIC = re.compile(
    r"^(?P<place>\S.*?): (?P<severity>error|warning|错误|警告): (?P<code>DR\d{3}) (?P<message>.*)$"
)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _diagnostics(text: str) -> list[tuple[str, str, str, str]]:
    return [
        (m["place"], m["severity"], m["code"], m["message"])
        for m in map(DIAGNOSTIC.match, text.splitlines())
        if m
    ]


@pytest.mark.parametrize("bad", BAD, ids=[p.stem for p in BAD])
def test_check_in_chinese_gives_the_same_codes_and_places_in_chinese(capsys, bad):
    code_en, _, err_en = run(capsys, "check", str(bad))
    code_zh, _, err_zh = run(capsys, "--lang", "zh", "check", str(bad))
    english, chinese = _diagnostics(err_en), _diagnostics(err_zh)
    assert english, err_en
    assert code_zh == code_en
    assert [(p, c) for p, _, c, _ in chinese] == [(p, c) for p, _, c, _ in english]
    severities = {"error": "错误", "warning": "警告"}
    assert [s for _, s, _, _ in chinese] == [severities[s] for _, s, _, _ in english]
    untranslated = [m for _, _, _, m in chinese if not CJK.search(m)]
    assert untranslated == []


def test_the_caret_and_the_hint_follow_the_message(capsys):
    bad = Path(__file__).parent / "fixtures" / "bad" / "DR001-unexpected-token.dr"
    _, _, err_en = run(capsys, "check", str(bad))
    _, _, err_zh = run(capsys, "check", "--lang", "zh", str(bad))  # after the command too
    carets = [line for line in err_en.splitlines() if set(line.strip()) == {"^"}]
    assert carets == [line for line in err_zh.splitlines() if set(line.strip()) == {"^"}]
    assert "  hint: " in err_en and "  提示: " in err_zh


def test_a_misspelt_keyword_is_suggested_in_chinese(capsys, tmp_path):
    ruleset = tmp_path / "r.dr"
    ruleset.write_text(
        'ruleset r {\n  title "t"\n  item a "a" 4 {\n    deducts 1 per x\n  }\n}\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--lang", "zh", "check", str(ruleset))
    assert code == 1
    assert f"{ruleset}:4:5: 错误: DR001 意外的名称 'deducts'" in err
    assert "提示: 是否应为 'deduct'？" in err
    assert out == f"{ruleset}: 1 个错误，0 条警告\n"


def test_json_diagnostics_are_the_same_in_every_language(capsys):
    bad = [str(p) for p in BAD[:12]]
    _, english, _ = run(capsys, "check", "--format", "json", *bad)
    _, chinese, _ = run(capsys, "--lang", "zh", "check", "--format", "json", *bad)
    assert json.loads(chinese) == json.loads(english)


def test_scores_and_results_files_do_not_depend_on_the_language(capsys, tmp_path):
    en, zh = tmp_path / "en.json", tmp_path / "zh.json"
    ruleset = "yifeng-2020-townships"
    run(capsys, "score", ruleset, str(TOWNSHIPS), "--format", "json", "-o", str(en))
    run(capsys, "--lang", "zh", "score", ruleset, str(TOWNSHIPS), "--format", "json", "-o", str(zh))
    assert zh.read_bytes() == en.read_bytes()
    assert run(capsys, "--lang", "zh", "verify", str(en), "--facts", str(TOWNSHIPS))[0] == 0


def test_explain_in_chinese_labels_the_score_in_chinese(capsys):
    args = ("explain", "yifeng-2020-townships", str(TOWNSHIPS), "--unit", "新昌镇")
    _, english, _ = run(capsys, *args)
    _, chinese, _ = run(capsys, "--lang", "zh", *args)
    assert english.splitlines()[1].startswith("总分 total ")
    assert chinese.splitlines()[1].startswith("总分 82.90 / 100   等次 ")
    assert "total" not in chinese.splitlines()[1]
    assert "基础分  awarded  （第 69 行、编号 " in chinese
    assert "— 不予认定：所有佐证材料均属于不予认可的类型" in chinese  # the ledger's notes
    assert len(chinese.splitlines()) == len(english.splitlines())


def test_help_is_chinese_throughout(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--lang", "zh", "--help"])
    out = capsys.readouterr().out
    assert exit.value.code == 0
    assert out.startswith("用法：disclosure-rules ")
    assert "显示本帮助信息并退出" in out and "检查规则集；有任何错误时退出状态为 1" in out
    assert not re.search(r"\b(usage|options|show this help)\b", out)


def test_usage_errors_are_chinese(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--lang", "zh", "check"])
    assert exit.value.code == 2
    assert "disclosure-rules check: 错误: 缺少以下必需参数：RULESET" in capsys.readouterr().err


def test_an_unknown_language_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--lang", "fr", "list"])
    assert exit.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_the_command_line_leaves_the_language_as_it_found_it(capsys):
    run(capsys, "--lang", "zh", "list")
    assert language() == "en"


def _installed(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISCLOSURE_RULES_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
    }
    command = Path(sys.executable).with_name("disclosure-rules")
    return subprocess.run(
        [str(command), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**clean, "PYTHONIOENCODING": "utf-8", **env},
        check=False,
    )


def test_a_chinese_locale_gives_chinese_messages():
    bad = str(BAD[0])
    assert ": 错误: DR" in _installed("check", bad, LANG="zh_CN.UTF-8").stderr
    assert ": 错误: DR" in _installed("check", bad, LC_ALL="zh_CN.UTF-8", LANG="C").stderr
    assert ": error: DR" in _installed("check", bad, LANG="C.UTF-8").stderr
    assert ": error: DR" in _installed("check", bad).stderr


def test_the_environment_variable_and_the_option_override_the_locale():
    bad = str(BAD[0])
    chinese = {"LANG": "zh_CN.UTF-8"}
    assert ": error: DR" in _installed("check", bad, DISCLOSURE_RULES_LANG="en", **chinese).stderr
    assert ": error: DR" in _installed("--lang", "en", "check", bad, **chinese).stderr
    assert ": 错误: DR" in _installed("check", bad, DISCLOSURE_RULES_LANG="zh").stderr


def test_the_language_sets_the_reports_labels_which_are_chinese_by_default(capsys, tmp_path):
    pytest.importorskip("jinja2")
    report = ["report", "changzhou-2020", str(EXAMPLES / "changzhou-2020.facts.json")]

    def page(name: str, *args: str) -> str:
        out = tmp_path / f"{name}.md"
        assert run(capsys, *args, "-o", str(out))[0] == 0
        return out.read_text(encoding="utf-8")

    default = page("default", *report)
    before = page("before", "--lang", "en", *report)
    after = page("after", *report, "--lang", "en")
    assert before == after != default


# ------------------------------------------------------------ the library


def test_a_message_is_its_english_text_and_renders_in_the_active_language():
    message = _("unknown parameter {name!r}").format(name="x")
    assert isinstance(message, Message) and message == "unknown parameter 'x'"
    assert localized(message) == "unknown parameter 'x'"
    with using_language("zh"):
        assert localized(message) == "未知参数 'x'"
        assert str(message) == "unknown parameter 'x'"


def test_a_message_survives_copying_and_pickling():
    message = _("did you mean {names}?").format(names=alternatives(["'a'", "'b'"]))
    for copied in (copy.deepcopy(message), pickle.loads(pickle.dumps(message))):
        assert copied == "did you mean 'a' or 'b'?"
        with using_language("zh"):
            assert localized(copied) == "是否应为 'a'或'b'？"


def test_a_library_error_renders_in_the_active_language_and_keeps_english_data():
    text = (Path(__file__).parent / "fixtures" / "bad" / "DR103-points-do-not-add-up.dr").read_text(
        encoding="utf-8"
    )
    with pytest.raises(dr.CheckError) as english:
        dr.compile(text, file="r.dr")
    with using_language("zh"), pytest.raises(dr.CheckError) as chinese:
        dr.compile(text, file="r.dr")
    assert "r.dr:3:24: 错误: DR103 " in str(chinese.value)
    assert "r.dr:3:24: error: DR103 " in str(english.value)
    assert [d.to_dict() for d in chinese.value.diagnostics] == [
        d.to_dict() for d in english.value.diagnostics
    ]


def test_importing_the_package_and_the_command_line_reads_no_catalog_and_no_babel():
    code = (
        "import sys\nimport disclosure_rules, disclosure_rules.cli\n"
        "from disclosure_rules.cli import main\n"
        "from disclosure_rules.i18n import translations\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(translations.cache_info().misses, 'babel' in sys.modules)"
    )
    env = {**os.environ, "DISCLOSURE_RULES_LANG": "zh"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    # --version in Chinese builds the Chinese help: the two catalogs, and no Babel
    assert out.stdout.splitlines()[-1] == "2 False"
    out = subprocess.run(
        [sys.executable, "-c", code.replace("main(['--version'])", "pass")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert out.stdout.splitlines()[-1] == "0 False"
