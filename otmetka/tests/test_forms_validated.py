"""No view uses a form's cleaned data unless `is_valid()` said yes (issue 10).

The journal cell once called `form.is_valid()`, ignored the answer and saved
`form.cleaned_data`: the invalid field was simply missing from it, so a 41-character value
cleared the cell. Every view module of the project is read here with `ast`, and each use of a
form's cleaned data must sit on a path where that form's `is_valid()` returned true:

- reading `form.cleaned_data`;
- calling a form method that reads `self.cleaned_data` without checking `self.is_valid()`
  itself (`service_fields()`, `values()`, …; found in every form class of the project);
- passing the form to a helper of the same module that does one of these with it.

A path is guarded by `if form.is_valid():`, by `if not form.is_valid(): return …` (or
`raise`) before the use, by `and`/`or`/`… if … else …` around it, and by a name that holds
the answer (`valid = form.is_valid()`). Rebinding the name forgets what was known.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import otmetka

ROOT = Path(otmetka.__file__).resolve().parent
# Form methods Django itself calls while validating: they run inside is_valid().
VALIDATION_METHODS = ("clean", "_clean", "full_clean", "_post_clean")

Facts = frozenset[str]
NOTHING: Facts = frozenset()


@dataclass(frozen=True)
class State:
    """What holds on a path: the forms whose is_valid() was true, and names holding answers."""

    valid: Facts = NOTHING
    answers: tuple[tuple[str, Facts, Facts], ...] = ()  # (name, facts if true, if false)

    def knowing(self, facts: Facts) -> State:
        return State(self.valid | facts, self.answers) if facts - self.valid else self

    def forgetting(self, names: Iterable[str]) -> State:
        gone = set(names)
        if not gone & (self.valid | {name for name, _t, _f in self.answers}):
            return self
        answers = tuple(a for a in self.answers if a[0] not in gone)
        return State(self.valid - gone, answers)

    def answering(self, name: str, if_true: Facts, if_false: Facts) -> State:
        answers = tuple(a for a in self.answers if a[0] != name)
        return State(self.valid, (*answers, (name, if_true, if_false)))

    def answer(self, name: str) -> tuple[Facts, Facts]:
        for known, if_true, if_false in self.answers:
            if known == name:
                return if_true, if_false
        return NOTHING, NOTHING

    def both(self, other: State) -> State:
        """What holds after two paths join."""
        answers = tuple(a for a in self.answers if a in other.answers)
        return State(self.valid & other.valid, answers)


def is_valid_call(node: ast.expr) -> str | None:
    """`x` of a bare `x.is_valid()`."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "is_valid"
        and isinstance(node.func.value, ast.Name)
        and not node.args
        and not node.keywords
    ):
        return node.func.value.id
    return None


def facts_if(node: ast.expr, state: State, truth: bool) -> Facts:
    """The forms known valid when `node` evaluates to `truth`."""
    if (name := is_valid_call(node)) is not None:
        return frozenset({name}) if truth else NOTHING
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return facts_if(node.operand, state, not truth)
    if isinstance(node, ast.NamedExpr):
        return facts_if(node.value, state, truth)
    if isinstance(node, ast.Name):
        if_true, if_false = state.answer(node.id)
        return if_true if truth else if_false
    if isinstance(node, ast.BoolOp):
        parts = [facts_if(value, state, truth) for value in node.values]
        # `a and b` true: both were; false: one of them was, which one is unknown.
        all_of = isinstance(node.op, ast.And) == truth
        if all_of:
            return frozenset().union(*parts)
        return frozenset.intersection(*parts)
    return NOTHING


def sub_expressions(node: ast.AST) -> Iterator[ast.expr]:
    """The expressions right under `node`, looking through keywords, comprehensions, …"""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            yield child
        elif not isinstance(child, ast.stmt):
            yield from sub_expressions(child)


def assigned_names(target: ast.expr) -> set[str]:
    return {node.id for node in ast.walk(target) if isinstance(node, ast.Name)}


@dataclass
class Use:
    """One use of a form's cleaned data: `name` at `line` of `function`."""

    function: str
    name: str
    line: int
    what: str


@dataclass
class Function:
    name: str
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    params: list[str]
    named: bool  # a def, whose callers in the module can be checked


def functions_of(tree: ast.AST) -> Iterator[Function]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            args = node.args
            params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
            if isinstance(node, ast.Lambda):
                yield Function("<lambda>", node, params, named=False)
            else:
                yield Function(node.name, node, params, named=True)


@dataclass
class Checker:
    """Walks one function and collects the uses of cleaned data that no is_valid() guards."""

    function: Function
    methods: frozenset[str]  # form methods that need a valid form
    helpers: dict[str, set[tuple[int, str]]]  # module functions that need a valid argument
    unguarded: list[Use] = field(default_factory=list)
    checked: int = 0
    form_names: set[str] = field(default_factory=set)

    def run(self) -> None:
        node = self.function.node
        self.form_names = set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.expr) and (name := is_valid_call(sub)) is not None:
                self.form_names.add(name)
            elif isinstance(sub, ast.Assign) and isinstance(sub.value, ast.Call):
                func = sub.value.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if "form" in called.lower():  # `ItemForm(…)`, `_entry_form(…)`
                    for target in sub.targets:
                        self.form_names |= assigned_names(target)
        if isinstance(node, ast.Lambda):
            self.expr(node.body, State())
        else:
            self.block(node.body, State())

    # --- statements ------------------------------------------------------------------------

    def block(self, body: list[ast.stmt], state: State) -> tuple[State, bool]:
        """The state after `body`, and whether every path through it leaves (return/raise)."""
        for statement in body:
            state, leaves = self.statement(statement, state)
            if leaves:
                return state, True
        return state, False

    def statement(self, node: ast.stmt, state: State) -> tuple[State, bool]:
        if isinstance(node, ast.If):
            self.expr(node.test, state)
            then, then_leaves = self.block(
                node.body, state.knowing(facts_if(node.test, state, True))
            )
            other, other_leaves = self.block(
                node.orelse, state.knowing(facts_if(node.test, state, False))
            )
            if then_leaves and other_leaves:
                return state, True
            if then_leaves:
                return other, False
            if other_leaves:
                return then, False
            return then.both(other), False
        if isinstance(node, ast.Return | ast.Raise):
            for child in sub_expressions(node):
                self.expr(child, state)
            return state, True
        if isinstance(node, ast.Continue | ast.Break):
            return state, True
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            if node.value is not None:
                self.expr(node.value, state)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = set().union(*(assigned_names(target) for target in targets))
            state = state.forgetting(names)
            if (
                isinstance(node, ast.Assign | ast.AnnAssign)
                and node.value is not None
                and len(names) == 1
                and isinstance(targets[0], ast.Name)
            ):
                if_true = facts_if(node.value, state, True)
                if_false = facts_if(node.value, state, False)
                if if_true or if_false:
                    state = state.answering(targets[0].id, if_true, if_false)
            return state, False
        if isinstance(node, ast.For | ast.AsyncFor | ast.While):
            head = node.iter if isinstance(node, ast.For | ast.AsyncFor) else node.test
            self.expr(head, state)
            inside = state
            if isinstance(node, ast.For | ast.AsyncFor):
                inside = state.forgetting(assigned_names(node.target))
            else:
                inside = state.knowing(facts_if(node.test, state, True))
            after, _leaves = self.block(node.body, inside)
            state = state.both(after)
            self.block(node.orelse, state)
            return state, False
        if isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                self.expr(item.context_expr, state)
                if item.optional_vars is not None:
                    state = state.forgetting(assigned_names(item.optional_vars))
            return self.block(node.body, state)
        if isinstance(node, ast.Try | ast.TryStar):
            body, body_leaves = self.block(node.body, state)
            ends: list[State] = []
            if not body_leaves:
                after, after_leaves = self.block(node.orelse, body)
                if not after_leaves:
                    ends.append(after)
            for handler in node.handlers:
                caught, caught_leaves = self.block(handler.body, state)
                if not caught_leaves:
                    ends.append(caught)
            self.block(node.finalbody, state)
            if not ends:
                return state, True
            joined = ends[0]
            for end in ends[1:]:
                joined = joined.both(end)
            return joined, False
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return state.forgetting({node.name}), False  # walked as functions of their own
        if isinstance(node, ast.Match):
            self.expr(node.subject, state)
            ends = [self.block(case.body, state)[0] for case in node.cases]
            for end in ends:
                state = state.both(end)
            return state, False
        for child in sub_expressions(node):
            self.expr(child, state)
        return state, False

    # --- expressions -----------------------------------------------------------------------

    def expr(self, node: ast.expr, state: State) -> None:
        if isinstance(node, ast.Lambda):
            return  # walked as a function of its own
        if isinstance(node, ast.BoolOp):
            known = state
            for value in node.values:
                self.expr(value, known)
                known = known.knowing(facts_if(value, known, isinstance(node.op, ast.And)))
            return
        if isinstance(node, ast.IfExp):
            self.expr(node.test, state)
            self.expr(node.body, state.knowing(facts_if(node.test, state, True)))
            self.expr(node.orelse, state.knowing(facts_if(node.test, state, False)))
            return
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "cleaned_data"
            and isinstance(node.value, ast.Name)
        ):
            self.use(node.value.id, node, state, f"{node.value.id}.cleaned_data")
            return
        if isinstance(node, ast.Call):
            self.call(node, state)
        for child in sub_expressions(node):
            self.expr(child, state)

    def call(self, node: ast.Call, state: State) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in self.methods
            and isinstance(func.value, ast.Name)
            and (func.value.id in self.form_names or func.value.id.endswith("form"))
        ):
            self.use(func.value.id, node, state, f"{func.value.id}.{func.attr}()")
        if isinstance(func, ast.Name) and func.id in self.helpers:
            for index, param in sorted(self.helpers[func.id]):
                argument: ast.expr | None = None
                if index < len(node.args) and not isinstance(node.args[index], ast.Starred):
                    argument = node.args[index]
                for keyword in node.keywords:
                    if keyword.arg == param:
                        argument = keyword.value
                what = f"{func.id}(…{param}…)"
                if isinstance(argument, ast.Name):
                    self.use(argument.id, node, state, what)
                elif argument is not None:
                    self.unguarded.append(Use(self.function.name, "?", node.lineno, what))

    def use(self, name: str, node: ast.expr, state: State, what: str) -> None:
        self.checked += 1
        if name not in state.valid:
            self.unguarded.append(Use(self.function.name, name, node.lineno, what))


@dataclass
class Report:
    violations: list[str]
    checked: int
    helpers: dict[str, set[tuple[int, str]]]


def check_source(
    source: str, where: str = "<source>", methods: frozenset[str] = frozenset()
) -> Report:
    """The unguarded uses of cleaned data in a module's source, with the module's helpers."""
    tree = ast.parse(source)
    functions = list(functions_of(tree))
    helpers: dict[str, set[tuple[int, str]]] = {}
    while True:
        found: dict[str, set[tuple[int, str]]] = {}
        violations: list[str] = []
        checked = 0
        for function in functions:
            checker = Checker(function, methods, helpers)
            checker.run()
            checked += checker.checked
            for use in checker.unguarded:
                if function.named and use.name in function.params:
                    # The helper's callers must hand it a valid form: checked at each call.
                    index = function.params.index(use.name)
                    found.setdefault(function.name, set()).add((index, use.name))
                    continue
                violations.append(
                    f"{where}:{use.line} {use.function}(): {use.what} used where "
                    f"{use.name}.is_valid() was not seen true"
                )
        if found == helpers:
            return Report(sorted(set(violations)), checked, helpers)
        helpers = found


def methods_needing_a_valid_form(sources: Iterable[str]) -> frozenset[str]:
    """Methods of the project's classes that read self.cleaned_data with no self.is_valid()."""
    needing: set[str] = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.ClassDef):
                continue
            for method in node.body:
                if not isinstance(method, ast.FunctionDef) or method.name.startswith(
                    VALIDATION_METHODS
                ):
                    continue
                args = method.args
                params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
                if not params or params[0] != "self":
                    continue
                checker = Checker(Function(method.name, method, params, True), frozenset(), {})
                checker.run()
                if any(use.name == "self" for use in checker.unguarded):
                    needing.add(method.name)
    return frozenset(needing)


def project_modules() -> list[Path]:
    return sorted(path for path in ROOT.rglob("*.py") if "tests" not in path.parts)


def view_modules() -> list[Path]:
    return [
        path for path in project_modules() if path.name == "views.py" or path.parent.name == "views"
    ]


def project_methods() -> frozenset[str]:
    return methods_needing_a_valid_form(path.read_text() for path in project_modules())


# --- the project ----------------------------------------------------------------------------


def test_every_view_uses_cleaned_data_only_after_is_valid_said_yes() -> None:
    methods = project_methods()
    violations: list[str] = []
    checked = 0
    for path in view_modules():
        report = check_source(path.read_text(), str(path.relative_to(ROOT.parent)), methods)
        violations += report.violations
        checked += report.checked
    assert not violations, "\n".join(violations)
    # Not vacuous: the views of all the apps were read, and their forms' data was found.
    assert len(view_modules()) >= 25
    assert checked >= 100


def test_the_form_methods_that_need_a_valid_form_are_found() -> None:
    methods = project_methods()
    assert {"service_fields", "service_values", "year_dates", "changes", "deliveries"} <= methods
    # Those that check is_valid() themselves may be called on any form.
    assert not {"apply", "day", "show_value", "format_value"} & methods


# --- the checker itself ---------------------------------------------------------------------


def violations(source: str, methods: Iterable[str] = ()) -> list[str]:
    return check_source(source, "m.py", frozenset(methods)).violations


def test_the_ignored_answer_of_the_journal_cell_is_caught() -> None:
    found = violations(
        """
def cell_save_view(request):
    form = CellForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    cell_save(text=data.get("value") or "")
"""
    )
    assert found == [
        "m.py:5 cell_save_view(): form.cleaned_data used where form.is_valid() was not seen true"
    ]


UNGUARDED = {
    "the answer negated, used anyway": """
        def v(r):
            f = F(r.POST)
            if not f.is_valid():
                log()
            s(**f.cleaned_data)
    """,
    "a branch that the invalid form reaches": """
        def v(r):
            f = F(r.POST)
            if f.is_valid():
                pass
            else:
                s(f.cleaned_data)
    """,
    "or instead of and": """
        def v(r):
            f = F(r.POST)
            if r.method == "POST" or f.is_valid():
                s(f.cleaned_data)
    """,
    "the valid form replaced by another": """
        def v(r):
            f = F(r.POST)
            if f.is_valid():
                f = G(r.POST)
                s(f.cleaned_data)
    """,
    "one form checked, the other used": """
        def v(r):
            f, g = F(r.POST), G(r.POST)
            if f.is_valid():
                s(g.cleaned_data)
    """,
    "a refusal that is caught: the use after the try is reached": """
        def v(r):
            f = F(r.POST)
            try:
                if not f.is_valid():
                    raise E()
            except E:
                pass
            s(f.cleaned_data)
    """,
    "inside a loop, after a check that does not leave": """
        def v(r):
            f = F(r.POST)
            for x in xs:
                if not f.is_valid():
                    continue
            s(x, f.cleaned_data)
    """,
    "a form method reading cleaned data": """
        def v(r):
            f = ItemForm(r.POST)
            s(**f.service_fields())
    """,
    "a helper handed a form nobody checked": """
        def _fields(form):
            return dict(form.cleaned_data)

        def v(r):
            f = F(r.POST)
            s(**_fields(f))
    """,
    "a helper's helper, called once guarded and once not": """
        def _a(form):
            return form.cleaned_data

        def _b(x, form):
            return _a(form)

        def v(r):
            f = F(r.POST)
            if f.is_valid():
                s(_b(1, f))
            s(_b(1, form=f))
    """,
}

GUARDED = {
    "and": """
        def v(r):
            f = F(r.POST or None)
            if r.method == "POST" and f.is_valid():
                s(**f.cleaned_data)
    """,
    "a refusal that returns": """
        def v(r):
            f = F(r.POST)
            if not f.is_valid():
                return bad()
            s(f.cleaned_data["x"])
    """,
    "or not": """
        def v(r, f):
            if r.method != "POST" or not f.is_valid():
                return None
            return act(**f.cleaned_data)
    """,
    "inside the condition, after the check": """
        def v(r):
            f = F(r.POST)
            if not f.is_valid() or f.cleaned_data["t"] != r.session["t"]:
                return bad()
    """,
    "a conditional expression": """
        def v(r):
            f = F(r.GET)
            return f.cleaned_data if f.is_bound and f.is_valid() else {}
    """,
    "a refusal raised inside the try": """
        def v(r):
            f = F(r.POST)
            try:
                if not f.is_valid():
                    raise E()
                s(f.cleaned_data["reason"])
            except E:
                pass
    """,
    "the answer kept in a name": """
        def v(r):
            f = F(r.POST)
            valid = f.is_valid()
            if not valid:
                return bad()
            s(f.cleaned_data)
    """,
    "try, except and else under the check": """
        def v(r):
            f = F(r.POST)
            if f.is_valid():
                try:
                    s(**f.service_fields())
                except E:
                    pass
                else:
                    return ok(f.cleaned_data["d"])
    """,
    "a helper called under the check": """
        def _fields(form):
            return dict(form.cleaned_data)

        def v(r):
            f = F(r.POST)
            if f.is_valid():
                s(**_fields(f))
    """,
    "a loop under the check": """
        def v(r):
            f = F(r.POST)
            if f.is_valid():
                for x in xs:
                    s(x, f.cleaned_data)
    """,
}


@pytest.mark.parametrize("source", UNGUARDED.values(), ids=UNGUARDED.keys())
def test_uses_without_a_guard_are_caught(source: str) -> None:
    assert violations(textwrap.dedent(source), ["service_fields"])


@pytest.mark.parametrize("source", GUARDED.values(), ids=GUARDED.keys())
def test_guarded_uses_are_accepted(source: str) -> None:
    assert violations(textwrap.dedent(source), ["service_fields"]) == []


def test_form_methods_are_judged_by_their_own_guard() -> None:
    source = """
class F(Form):
    def clean_x(self):
        return self.cleaned_data.get("x")

    def fields_for_service(self):
        return dict(self.cleaned_data)

    def day(self, default):
        if self.is_valid() and self.cleaned_data["on"]:
            return self.cleaned_data["on"]
        return default
"""
    assert methods_needing_a_valid_form([source]) == {"fields_for_service"}
