"""Every message a person reads goes through the catalogs: a scan of the source.

A diagnostic's message and hint, and every ``help=`` of the command line, must be a
translatable message (``_("…")``, ``_("…").format(…)``, ``n_``) or come from one, so
a new English-only message fails here rather than reaching a Chinese reader."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import disclosure_rules

SOURCE = Path(disclosure_rules.__file__).parent
TRANSLATING = {"_", "n_", "alternatives", "joined", "did_you_mean", "gettext", "ngettext"}
# Messages a module imports from another, where they are made with _() (the scan reads
# one module at a time).
IMPORTED_MESSAGES = {"WHEN_EXAMPLES"}
# Functions returning lists of translatable problems (each checked below like a message).
PROBLEM_LISTS = {
    "reconcile",
    "shape_problems",
    "document_problems",
    "_presentation",
    "_entry_shape",
    "_cohort",
    "_differences",
}
# Modules whose diagnostics carry no prose of the project's own: the language server
# passes on the checker's diagnostics; the lexer has none.
EXEMPT = {"i18n.py"}


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef | ast.Module]:
    yield tree  # type: ignore[misc]
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of one function, not of the functions defined inside it."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


class _Scope:
    def __init__(
        self,
        scope: ast.AST,
        module_names: dict[str, list[ast.expr]],
        helpers: frozenset[str] = frozenset(),
    ) -> None:
        self.helpers = helpers
        self.params: set[str] = set()
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            a = scope.args
            self.params = {x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]}
        self.assigned: dict[str, list[ast.expr | None]] = {}
        loops = []
        for node in _own_nodes(scope):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.assigned.setdefault(target.id, []).append(node.value)
            elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(
                node.target, ast.Name
            ):
                value = node.value if isinstance(node, ast.AnnAssign) else None
                self.assigned.setdefault(node.target.id, []).append(value)
            elif isinstance(node, ast.For | ast.comprehension):
                loops.append(node)
        for loop in loops:  # after the assignments: a loop over a list of problems
            listed = ast.Constant(None) if self._problems(loop.iter) else None
            targets = loop.target.elts if isinstance(loop.target, ast.Tuple) else [loop.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    self.assigned.setdefault(target.id, []).append(listed)
        self.module = module_names

    def _problems(self, value: ast.expr) -> bool:
        """A list of translatable problems: a call of a PROBLEM_LISTS function, a name
        given one, or a slice of either."""
        if isinstance(value, ast.Subscript):
            return self._problems(value.value)
        if isinstance(value, ast.Name):
            values = self.assigned.get(value.id, [])
            return bool(values) and all(v is not None and self._problems(v) for v in values)
        return isinstance(value, ast.Call) and _called(value) in PROBLEM_LISTS

    def translated(self, value: ast.expr | None, seen: frozenset[str] = frozenset()) -> bool:
        if value is None:
            return False
        if isinstance(value, ast.Constant) and value.value is None:
            return True
        if isinstance(value, ast.Call):
            func = value.func
            if isinstance(func, ast.Attribute) and func.attr == "format":
                return self.translated(func.value, seen)
            return _called(value) in TRANSLATING | self.helpers
        if isinstance(value, ast.Attribute):  # another diagnostic's message or hint
            return value.attr in {"message", "hint"}
        if isinstance(value, ast.IfExp):
            return self.translated(value.body, seen) and self.translated(value.orelse, seen)
        if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name):
            # a table of messages: every value of the dict it names
            tables = self.assigned.get(value.value.id) or self.module.get(value.value.id) or []
            return bool(tables) and all(
                isinstance(t, ast.Dict) and all(self.translated(v, seen) for v in t.values)
                for t in tables
            )
        if isinstance(value, ast.BoolOp):
            return all(self.translated(v, seen) for v in value.values)
        if isinstance(value, ast.Name):
            if value.id in seen:
                return True
            seen = seen | {value.id}
            if value.id in self.assigned:
                return all(self.translated(v, seen) for v in self.assigned[value.id])
            if value.id in self.params:
                return True  # a helper's parameter: its callers are checked
            if value.id in IMPORTED_MESSAGES:
                return True
            if value.id in self.module:
                return all(self.translated(v, seen) for v in self.module[value.id])
        return False


def _called(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _message_arguments(call: ast.Call) -> Iterator[ast.expr]:
    """The message and hint of a ``Diagnostic(...)`` or of a helper called with a code."""
    name = _called(call)
    first = call.args[0] if call.args else None
    coded = (isinstance(call.func, ast.Name) and name == "Diagnostic") or (
        isinstance(first, ast.Constant)
        and isinstance(first.value, str)
        and re.fullmatch(r"DR\d{3}", first.value) is not None
    )
    if not coded:
        return
    if len(call.args) > 1:
        yield call.args[1]
    if name == "Diagnostic" and len(call.args) > 4:
        yield call.args[4]
    for argument in call.args[2:]:  # a hint or a place; a place is never prose
        if _prose(argument):
            yield argument
    for keyword in call.keywords:
        if keyword.arg in {"hint", "message", "msg"}:
            yield keyword.value


def _translating_functions(
    tree: ast.Module, module_names: dict[str, list[ast.expr]]
) -> frozenset[str]:
    """The module's functions whose every returned value is a translatable message (or
    None): a message built by a helper, such as a hint, counts as translated."""
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for function in functions:
            if function.name in found:
                continue
            scope = _Scope(function, module_names, frozenset(found))
            returns = [n.value for n in _own_nodes(function) if isinstance(n, ast.Return)]
            if returns and all(v is not None and _no_english(scope, v) for v in returns):
                found.add(function.name)
                changed = True
    return frozenset(found)


def _no_english(scope: _Scope, value: ast.expr) -> bool:
    """A returned value that is a message, or a value computed elsewhere (a name): never
    a literal or an f-string."""
    if isinstance(value, ast.IfExp):
        return _no_english(scope, value.body) and _no_english(scope, value.orelse)
    return scope.translated(value) or isinstance(value, ast.Name)


def _prose(value: ast.expr) -> bool:
    """Text written in place: a literal or f-string with words in it (or a choice of such)."""
    if isinstance(value, ast.BoolOp):
        return any(_prose(v) for v in value.values)
    if isinstance(value, ast.IfExp):
        return _prose(value.body) or _prose(value.orelse)
    if isinstance(value, ast.JoinedStr):
        return any(_prose(v) for v in value.values if isinstance(v, ast.Constant))
    return (
        isinstance(value, ast.Constant)
        and isinstance(value.value, str)
        and re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", value.value) is not None
    )


def _message_parameters(tree: ast.Module) -> dict[str, list[int | str]]:
    """Functions of a module that take a message: the positions and names of their
    parameters called ``msg``, ``message``, ``hint`` or ``what`` (a part of a message)."""
    found: dict[str, list[int | str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            params = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
            offset = 1 if params[:1] in (["self"], ["cls"]) else 0
            for i, name in enumerate(params):
                if name in {"msg", "message", "hint", "what"}:
                    found.setdefault(node.name, []).extend([i - offset, name])
    return found


def _untranslated() -> list[str]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path.name not in EXEMPT:
            where = str(path.relative_to(SOURCE))
            found += _scan(path.read_text(encoding="utf-8"), where)
    return found


def _scan(text: str, where: str) -> list[str]:
    """The untranslated messages of one module, as ``where:line: expression``."""
    tree = ast.parse(text)
    module_names: dict[str, list[ast.expr]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    module_names.setdefault(target.id, []).append(node.value)
    helpers = _translating_functions(tree, module_names)
    takers = _message_parameters(tree)
    found = []
    for scope in _functions(tree):
        checker = _Scope(scope, module_names, helpers)
        for node in _own_nodes(scope):
            if isinstance(node, ast.JoinedStr):  # an f-string hides its calls from extraction
                calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
                if any(_called(c) in TRANSLATING for c in calls):
                    found.append(f"{where}:{node.lineno}: a translation inside an f-string")
            if not isinstance(node, ast.Call):
                continue
            checked = list(_message_arguments(node))
            if (
                isinstance(scope, ast.FunctionDef)
                and scope.name in PROBLEM_LISTS
                and _called(node) == "append"
                and getattr(getattr(node.func, "value", None), "id", "") == "problems"
            ):  # a problem, or (code, problem, unit)
                checked += [a.elts[1] if isinstance(a, ast.Tuple) else a for a in node.args]
            for place in takers.get(_called(node), []):  # a helper's message parameter
                if isinstance(place, int) and place < len(node.args):
                    checked += [node.args[place]] if _prose(node.args[place]) else []
                checked += [k.value for k in node.keywords if k.arg == place and _prose(k.value)]
            checked += [k.value for k in node.keywords if k.arg == "help"]
            if _called(node) in {"ArgumentParser", "add_parser", "add_argument_group"}:
                checked += [k.value for k in node.keywords if k.arg == "description"]
            for value in checked:
                if not checker.translated(value):
                    found.append(f"{where}:{value.lineno}: {ast.unparse(value)[:70]}")
    return found


def test_every_diagnostic_message_and_help_text_is_translatable():
    assert _untranslated() == []


@pytest.mark.parametrize(
    "code",
    [
        'Diagnostic("DR999", "an English message")',
        'Diagnostic("DR999", f"unknown {name}")',
        'Diagnostic("DR999", _("fine"), hint="an English hint")',
        'cx.report("DR999", f"unknown {name}", span)',
        'parser.add_argument("--x", help="English help")',
        'msg = f"unknown {name}"\n    raise X(Diagnostic("DR999", msg))',
        'msg = _("unknown")\n    msg += " more"\n    raise X(Diagnostic("DR999", msg))',
        "print(f\"{gettext('hint')}: x\")",
    ],
)
def test_the_scan_finds_an_english_only_message(code):
    assert _scan(f"def f(name, span, cx, parser):\n    {code}\n", "m.py") != []


def test_the_scan_accepts_translated_messages():
    code = (
        "def f(name, span):\n"
        '    msg = _("unknown {name!r}").format(name=name)\n'
        '    hint = did_you_mean(name, []) or _("declare it")\n'
        '    raise X(Diagnostic("DR999", msg, span=span, hint=hint))\n'
    )
    assert _scan(code, "m.py") == []
