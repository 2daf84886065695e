"""Translate a bounded subset of Python regular expressions into durable_rules' dialect.

durable_rules compiles `$mt` patterns to a DFA with its own Lua-like syntax (`%d`, `%.`) and
always matches the whole string. Authors write ordinary regular expressions; we parse them
with Python's own parser, refuse what the DFA cannot express or what could make the Python
reference evaluator slow (back-references, look-arounds, nested unbounded repetition), and
emit the equivalent durable_rules pattern. Both sides then agree: `re.fullmatch` with
ASCII and DOTALL flags on the reference side, `$mt` on the engine side.
"""

from __future__ import annotations

import re
import re._constants as C  # type: ignore[import-not-found]
import re._parser as P  # type: ignore[import-not-found]

from ..projection import engine_text

MAX_PATTERN_CHARS = 200
MAX_REPEAT = 100
MAX_EXPANDED = 2000
SPECIAL = set(".|?*+()[]{}%")
_CLASS_SAFE_RANGE = re.compile(r"[A-Za-z0-9]")


class RegexError(ValueError):
    """The pattern is invalid, unsupported or unbounded."""


def reference_pattern(pattern: str) -> re.Pattern[str]:
    """The compiled Python pattern the reference evaluator uses (full match semantics)."""
    return re.compile(pattern, re.ASCII | re.DOTALL)


def translate(pattern: str) -> str:
    """Return the durable_rules pattern equivalent to `re.fullmatch(pattern, ...)`."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise RegexError(f"pattern is {len(pattern)} characters; the limit is {MAX_PATTERN_CHARS}")
    try:
        parsed = P.parse(pattern, re.ASCII | re.DOTALL)
    except re.error as exc:
        raise RegexError(f"invalid regular expression: {exc}") from None
    if parsed.state.flags & ~(re.ASCII | re.DOTALL | re.UNICODE):
        raise RegexError("inline flags such as (?i) are not supported")
    items = list(parsed)
    if items and items[0][0] is C.AT and items[0][1] in (C.AT_BEGINNING, C.AT_BEGINNING_STRING):
        items = items[1:]
    if items and items[-1][0] is C.AT and items[-1][1] in (C.AT_END, C.AT_END_STRING):
        items = items[:-1]
    out = _seq(items)
    if not out:
        raise RegexError("pattern matches only the empty string; use `missing` instead")
    return out


def check_engine_pattern(engine_pattern: str, pattern: str | None = None) -> None:
    """Have durable_rules build the pattern and, given the Python pattern, try it.

    durable_rules' DFA builder refuses some patterns (error 503/507) and mis-builds others
    (`[ab]*(a|.)` misses "aaa"). So the pattern is built, then run against every string of
    up to four characters over the pattern's own alphabet (plus one other character), and
    refused where its answers differ from Python's.
    """
    import itertools

    problem = _build_in_child(engine_pattern, BUILD_SECONDS)
    if problem is not None:
        raise RegexError(f"durable_rules cannot build this pattern ({problem}); simplify it")
    if pattern is None:
        return
    compiled = reference_pattern(pattern)
    alphabet = [*sorted(_alphabet(P.parse(pattern, re.ASCII | re.DOTALL)))[:7], "\u00b7"]
    samples = ["".join(p) for n in range(1, 5) for p in itertools.product(alphabet, repeat=n)]
    expected = [compiled.fullmatch(s) is not None for s in samples]
    got = _durable_matches(engine_pattern, samples)
    for sample, want, have in zip(samples, expected, got, strict=True):
        if want != have:
            raise RegexError(f"durable_rules' regex engine gets this pattern wrong (on "
                             f"{sample!r} it says {'no ' if not have else ''}match); "
                             "simplify it")


BUILD_SECONDS = 3.0


def _build_in_child(engine_pattern: str, seconds: float) -> str | None:
    """Build the pattern's DFA in a child process: durable_rules' builder can run for ever
    on some patterns, and a rule file must never hang `assay check`. None when it builds."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_build, args=(engine_pattern, sender), daemon=True)
    child.start()
    sender.close()
    try:
        result = receiver.recv() if receiver.poll(seconds) else (
            f"its DFA builder did not finish within {seconds:g} s")
    except EOFError:
        result = "its DFA builder crashed"
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    return result


def _build(engine_pattern: str, sender: object) -> None:
    import json

    import durable_rules_engine

    definition = {"r": {"all": [{"m": {"$mt": {"x": engine_pattern}}}]}}
    try:
        handle = durable_rules_engine.create_ruleset("assay_regex_check",
                                                     json.dumps(definition, ensure_ascii=False))
        durable_rules_engine.delete_ruleset(handle)
        sender.send(None)  # type: ignore[attr-defined]
    except Exception as exc:  # durable_rules raises its own error type
        sender.send(str(exc))  # type: ignore[attr-defined]


def _alphabet(items: object) -> set[str]:
    """A few characters each part of a parsed pattern can match."""
    out: set[str] = set()
    for op, av in items:  # type: ignore[attr-defined]
        if op in (C.LITERAL, C.NOT_LITERAL):
            out.add(chr(av))
        elif op is C.RANGE:
            out.update({chr(av[0]), chr(av[1])})
        elif op is C.IN:
            out |= _alphabet(av)
        elif op is C.CATEGORY:
            out.add({C.CATEGORY_DIGIT: "1", C.CATEGORY_SPACE: " "}.get(av, "a"))
        elif op is C.ANY:
            out.add("a")
        elif op is C.BRANCH:
            for branch in av[1]:
                out |= _alphabet(branch)
        elif op is C.SUBPATTERN:
            out |= _alphabet(av[3])
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            out |= _alphabet(av[2])
    return out


def _durable_matches(engine_pattern: str, samples: list[str]) -> list[bool]:
    import json

    import durable_rules_engine
    from durable.engine import Ruleset

    hits: set[int] = set()

    from ..runtime import ActionsOnly

    ruleset = Ruleset("assay_regex_probe", ActionsOnly(), {"r": {
        "all": [{"m": {"$and": [{"kind": "probe"}, {"$mt": {"x": engine_pattern}}]}}],
        "run": lambda c: hits.add(c.m["i"])}})
    try:
        payload = [{"kind": "probe", "i": i, "x": engine_text(s)} for i, s in enumerate(samples)]
        text = json.dumps(payload, ensure_ascii=False)
        _code, state = durable_rules_engine.assert_facts(ruleset._handle, text)
        ruleset.do_actions(state, lambda _e, _s: None)
    finally:
        durable_rules_engine.delete_ruleset(ruleset._handle)
    return [i in hits for i in range(len(samples))]


def _esc(ch: str) -> str:
    ch = engine_text(ch)
    return "%" + ch if ch in SPECIAL else ch


def _seq(items: list) -> str:
    return "".join(_item(op, av) for op, av in items)


def _unbounded(items: list) -> bool:
    for op, av in items:
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            if av[1] is C.MAXREPEAT or _unbounded(list(av[2])):
                return True
        elif op is C.SUBPATTERN:
            if _unbounded(list(av[3])):
                return True
        elif op is C.BRANCH and any(_unbounded(list(b)) for b in av[1]):
            return True
    return False


def _single_token(items: list) -> bool:
    return len(items) == 1 and items[0][0] in (C.LITERAL, C.ANY, C.IN, C.NOT_LITERAL)


def _item(op: object, av: object) -> str:
    if op is C.LITERAL:
        return _esc(chr(av))  # type: ignore[arg-type]
    if op is C.NOT_LITERAL:
        return _class([(C.NEGATE, None), (C.LITERAL, av)])
    if op is C.ANY:
        return "."
    if op is C.IN:
        return _class(av)  # type: ignore[arg-type]
    if op is C.BRANCH:
        return "(" + "|".join(_seq(list(b)) for b in av[1]) + ")"  # type: ignore[index]
    if op is C.SUBPATTERN:
        _group, add, remove, body = av  # type: ignore[misc]
        if add or remove:
            raise RegexError("inline flags such as (?i) are not supported")
        return "(" + _seq(list(body)) + ")"
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        low, high, body = av  # type: ignore[misc]
        body = list(body)
        if high is C.MAXREPEAT and _unbounded(body):
            raise RegexError("nested unbounded repetition (like (a+)+) is not allowed")
        if low > MAX_REPEAT or (high is not C.MAXREPEAT and high > MAX_REPEAT):
            raise RegexError(f"repetition counts above {MAX_REPEAT} are not allowed")
        inner = _seq(body)
        if not inner:
            raise RegexError("repetition of an empty pattern")
        if not _single_token(body):
            inner = "(" + inner + ")" if not (inner.startswith("(") and _one_group(body)) else inner
        # Counted repetition is spelled out (a{2,3} -> aaa?): durable_rules' own interval
        # syntax fails to build inside other repetitions.
        if high is C.MAXREPEAT:
            if low == 0:
                return inner + "*"
            return inner * (low - 1) + inner + "+"
        out = inner * low + (inner + "?") * (high - low)
        if len(out) > MAX_EXPANDED:
            raise RegexError(f"counted repetition expands past {MAX_EXPANDED} characters")
        return out
    if op is C.AT:
        raise RegexError("anchors are only allowed at the very start (^) and end ($); "
                         "patterns always match the whole value")
    names = {C.GROUPREF: "back-references", C.ASSERT: "look-ahead/behind",
             C.ASSERT_NOT: "negative look-ahead/behind", C.CATEGORY: "this character class"}
    raise RegexError(f"{names.get(op, str(op).lower())} not supported")


def _one_group(body: list) -> bool:
    return len(body) == 1 and body[0][0] in (C.SUBPATTERN, C.BRANCH)


_CATEGORIES = {
    C.CATEGORY_DIGIT: [("0", "9")],
    C.CATEGORY_WORD: [("A", "Z"), ("a", "z"), ("0", "9"), ("_", "_")],
    C.CATEGORY_SPACE: [(c, c) for c in " \t\n\r\f\v"],
}


def _class(items: list) -> str:
    negate = False
    ranges: list[tuple[str, str]] = []
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            ranges.append((chr(av), chr(av)))
        elif op is C.RANGE:
            ranges.append((chr(av[0]), chr(av[1])))
        elif op is C.CATEGORY and av in _CATEGORIES:
            ranges.extend(_CATEGORIES[av])
        else:
            raise RegexError("negated shorthand classes (\\D, \\W, \\S) inside [...] are not "
                             "supported; spell the characters out")
    singles: list[str] = []
    parts: list[str] = []
    for lo, hi in ranges:
        if lo != hi and _CLASS_SAFE_RANGE.fullmatch(lo) and _CLASS_SAFE_RANGE.fullmatch(hi):
            parts.append(f"{lo}-{hi}")
        elif ord(hi) - ord(lo) <= 128:
            singles.extend(chr(code) for code in range(ord(lo), ord(hi) + 1))
        else:
            raise RegexError(f"character range {lo!r}-{hi!r} is too wide")
    # Inside a class durable_rules escapes ] and % with %, but has no escape for - or ^:
    # - must come last and ^ anywhere but first.
    dash, caret = "-" in singles, "^" in singles
    parts += [("%" + ch if ch in "]%" else engine_text(ch)) for ch in singles if ch not in "-^"]
    text = "".join(parts)
    if caret and not (text or negate):
        return "(" + "|".join(_esc(ch) for ch in sorted(set(singles))) + ")"
    return ("[" + ("^" if negate else "") + text
            + ("^" if caret else "") + ("-" if dash else "") + "]")
