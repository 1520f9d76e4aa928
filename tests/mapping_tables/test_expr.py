"""The expression language: parsing, precise errors, evaluation, round-trips (hypothesis)."""

from __future__ import annotations

import keyword
import string
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapping_tables.expr import (
    KNOWN_FUNCTIONS,
    ROOTS,
    BoolOp,
    Call,
    Compare,
    Expr,
    ExprEvalError,
    ExprSyntaxError,
    ListExpr,
    Literal,
    Not,
    Path,
    calls,
    compile_expr,
    evaluate,
    format_expr,
    parse,
    paths,
)

NO_FUNCTIONS: Mapping[str, Any] = {}


def ev(text: str, context: Mapping[str, object] | None = None, **functions: Any) -> object:
    return evaluate(parse(text), context or {}, functions)


# ------------------------------------------------------------------ parsing


def test_parse_builds_the_expected_tree() -> None:
    tree = parse('request.method == "x" and not event.errorCode in [0, 4]')
    assert tree == BoolOp(
        "and",
        (
            Compare("==", Path("request", ("method",)), Literal("x")),
            Not(Compare("in", Path("event", ("errorCode",)), ListExpr((Literal(0), Literal(4))))),
        ),
    )


def test_not_in_is_one_operator() -> None:
    assert parse("event.x not in [1]") == Compare(
        "not in", Path("event", ("x",)), ListExpr((Literal(1),))
    )


def test_or_binds_looser_than_and() -> None:
    tree = parse("true or false and false")
    assert tree == BoolOp("or", (Literal(True), BoolOp("and", (Literal(False), Literal(False)))))
    assert ev("true or false and false") is True
    assert ev("(true or false) and false") is False


def test_string_escapes_and_both_quotes() -> None:
    assert parse(r"'it\'s'") == Literal("it's")
    assert parse(r'"a\"b\\c\n"') == Literal('a"b\\c\n')


def test_negative_int_and_empty_list_and_nullary_call() -> None:
    assert parse("-12") == Literal(-12)
    assert parse("[]") == ListExpr(())
    assert parse("json_obj()") == Call("json_obj", ())


def test_positions_are_recorded_for_error_reporting() -> None:
    tree = parse("  session.channel")
    assert isinstance(tree, Path)
    assert tree.pos == 2


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("", 0, "empty expression"),
        ("request.method ==", 17, "expected a value"),
        ("foo.bar", 0, "unknown root 'foo'"),
        ("request", 0, "needs a field"),
        ("request.", 8, "expected a field name"),
        ("nope(1)", 0, "unknown function 'nope'"),
        ("len(1, 2)", 0, "len() takes 1 argument(s), got 2"),
        ('json_obj("a")', 0, "key/value pairs"),
        ("a == b", 0, "unknown root 'a'"),
        ("event.x == 1 == 2", 13, "do not chain"),
        ("(event.x", 8, "expected ')'"),
        ('"open', 0, "unexpected character"),
        ("event.x $ 1", 8, "unexpected character '$'"),
        (r"'bad \q'", 5, "unknown escape"),
        ("event.x event.y", 8, "unexpected 'event'"),
        ("[1, 2", 5, "expected ']'"),
    ],
)
def test_syntax_errors_name_the_position(text: str, position: int, words: str) -> None:
    with pytest.raises(ExprSyntaxError) as info:
        parse(text)
    assert info.value.position == position
    assert words in str(info.value)
    assert f"position {position}" in str(info.value)


def test_custom_roots_and_functions_restrict_the_language() -> None:
    with pytest.raises(ExprSyntaxError, match="unknown root 'item'"):
        parse("item.name", roots=frozenset({"event"}))
    with pytest.raises(ExprSyntaxError, match="unknown function 'len'"):
        parse("len(event.x)", functions={})


def test_compile_expr_parses_once_per_text() -> None:
    text = "event.errorCode == 12345"
    assert compile_expr(text) is compile_expr(text)


def test_walkers_find_paths_and_calls() -> None:
    tree = parse('legacy_code("E", event.errorCode) == session.uid or flag(item.ok) == "1"')
    assert [p.dotted for p in paths(tree)] == ["event.errorCode", "session.uid", "item.ok"]
    assert [c.name for c in calls(tree)] == ["legacy_code", "flag"]


# ------------------------------------------------------------------ evaluation


class Member:
    """An RTM-style object with a plain attribute and a Java-style getter."""

    def __init__(self, user_id: str, channel: str) -> None:
        self.userId = user_id
        self._channel = channel

    def getChannelId(self) -> str:
        return self._channel


def test_paths_resolve_mappings_attributes_and_getters() -> None:
    context = {"event": {"member": Member("bob", "ch1")}}
    assert ev("event.member.userId", context) == "bob"
    assert ev("event.member.channelId", context) == "ch1"


def test_missing_field_reports_the_path() -> None:
    with pytest.raises(
        ExprEvalError, match=r"event.member has no field 'nick' \(path event.member.nick\)"
    ):
        ev("event.member.nick", {"event": {"member": Member("bob", "c")}})


def test_absent_root_is_an_error() -> None:
    with pytest.raises(ExprEvalError, match="'request' is not available"):
        ev("request.msgID", {"event": {}})
    with pytest.raises(ExprEvalError, match="'request' is not available"):
        ev("request.msgID", {"request": None})


def test_equality_never_mixes_booleans_and_ints() -> None:
    assert ev("true == 1") is False
    assert ev("false != 0") is True
    assert ev("1 in [true]") is False
    assert ev("true in [true]") is True


def test_in_on_strings_lists_and_mappings() -> None:
    assert ev('"ell" in "hello"') is True
    assert ev('"x" not in event.m', {"event": {"m": {"x": 1}}}) is False
    with pytest.raises(ExprEvalError, match="needs a string on the left"):
        ev('1 in "abc"')
    with pytest.raises(ExprEvalError, match="needs a list, string or mapping"):
        ev("1 in 2")


def test_boolean_operators_demand_booleans_and_short_circuit() -> None:
    with pytest.raises(ExprEvalError, match="'and' operand is not a boolean"):
        ev("1 and true")
    with pytest.raises(ExprEvalError, match="'not' operand is not a boolean"):
        ev('not "x"')
    # the right side would fail (missing root) but is never evaluated
    assert ev("false and request.x == 1") is False
    assert ev("true or request.x == 1") is True


def test_calls_use_the_supplied_functions() -> None:
    assert ev("len(event.xs)", {"event": {"xs": [1, 2, 3]}}, len=len) == 3
    with pytest.raises(ExprEvalError, match="function 'len' is not provided"):
        ev("len(event.xs)", {"event": {"xs": []}})


def test_function_failures_become_eval_errors_with_position() -> None:
    def boom(_: object) -> object:
        raise ValueError("bad input")

    with pytest.raises(ExprEvalError) as info:
        evaluate(parse("true == flag(1)"), {}, {"flag": boom})
    assert "flag() failed: bad input" in str(info.value)
    assert info.value.position == 8


# ------------------------------------------------------------------ properties

_IDENT = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(string.ascii_lowercase),
    st.text(alphabet=string.ascii_letters + string.digits + "_", max_size=7),
).filter(
    lambda s: s not in {"and", "or", "not", "in", "true", "false"} and not keyword.iskeyword(s)
)
_LITERALS = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(Literal),
    st.text(max_size=12).map(Literal),
    st.booleans().map(Literal),
)
_PATHS = st.builds(
    Path, st.sampled_from(sorted(ROOTS)), st.lists(_IDENT, min_size=1, max_size=3).map(tuple)
)


def _calls(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    def build(name: str) -> st.SearchStrategy[Expr]:
        spec = KNOWN_FUNCTIONS[name]
        high = spec.max_args if spec.max_args is not None else spec.min_args + 4
        sizes = st.integers(spec.min_args, high)
        if spec.pairs:
            sizes = sizes.filter(lambda n: n % 2 == 0)
        return sizes.flatmap(
            lambda n: st.lists(children, min_size=n, max_size=n).map(
                lambda args: Call(name, tuple(args))
            )
        )

    return st.sampled_from(sorted(KNOWN_FUNCTIONS)).flatmap(build)


_EXPRS: st.SearchStrategy[Expr] = st.recursive(
    st.one_of(_LITERALS, _PATHS),
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(lambda xs: ListExpr(tuple(xs))),
        _calls(children),
        st.builds(Compare, st.sampled_from(["==", "!=", "in", "not in"]), children, children),
        st.builds(
            BoolOp,
            st.sampled_from(["and", "or"]),
            st.lists(children, min_size=2, max_size=3).map(tuple),
        ),
        st.builds(Not, children),
    ),
    max_leaves=12,
)


@given(_EXPRS)
def test_format_then_parse_round_trips(expr: Expr) -> None:
    assert parse(format_expr(expr)) == expr


@given(st.text(max_size=40))
def test_any_string_literal_round_trips(value: str) -> None:
    assert ev(format_expr(Literal(value))) == value


def _bool_exprs() -> st.SearchStrategy[tuple[Expr, bool]]:
    leaves = st.one_of(
        st.booleans().map(lambda b: (Literal(b), b)),
        st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.sampled_from(["==", "!="])).map(
            lambda t: (
                Compare(t[2], Literal(t[0]), Literal(t[1])),
                (t[0] == t[1]) == (t[2] == "=="),
            )
        ),
        st.tuples(st.integers(-3, 3), st.lists(st.integers(-3, 3), max_size=4)).map(
            lambda t: (
                Compare("in", Literal(t[0]), ListExpr(tuple(Literal(i) for i in t[1]))),
                t[0] in t[1],
            )
        ),
    )

    def extend(
        children: st.SearchStrategy[tuple[Expr, bool]],
    ) -> st.SearchStrategy[tuple[Expr, bool]]:
        return st.one_of(
            children.map(lambda c: (Not(c[0]), not c[1])),
            st.lists(children, min_size=2, max_size=3).map(
                lambda cs: (BoolOp("and", tuple(c[0] for c in cs)), all(c[1] for c in cs))
            ),
            st.lists(children, min_size=2, max_size=3).map(
                lambda cs: (BoolOp("or", tuple(c[0] for c in cs)), any(c[1] for c in cs))
            ),
        )

    return st.recursive(leaves, extend, max_leaves=10)


@given(_bool_exprs())
def test_boolean_evaluation_matches_python(pair: tuple[Expr, bool]) -> None:
    expr, expected = pair
    assert evaluate(expr, {}, NO_FUNCTIONS) is expected
    assert evaluate(parse(format_expr(expr)), {}, NO_FUNCTIONS) is expected


@given(
    st.dictionaries(_IDENT, st.dictionaries(_IDENT, st.integers(), min_size=1), min_size=1),
    st.data(),
)
def test_paths_follow_nested_mappings(tree: dict[str, dict[str, int]], data: st.DataObject) -> None:
    outer = data.draw(st.sampled_from(sorted(tree)))
    inner = data.draw(st.sampled_from(sorted(tree[outer])))
    assert ev(f"event.{outer}.{inner}", {"event": tree}) == tree[outer][inner]
