"""Normalising what suppliers type: answers, countries, metals, CIDs, dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.engine.ingest.normalise import Countries, answer, cid, effective_date, metal, scope
from assay.engine.ingest.template import cellmaps

ALL_ANSWERS = sorted({(q["key"], a) for m in cellmaps().values()
                      for q in m["questions"] + m["company_questions"] for a in q["answers"]})


@pytest.mark.parametrize(("key", "text"), ALL_ANSWERS)
def test_every_dropdown_answer_of_every_template_normalises(key: str, text: str) -> None:
    value, problem = answer(key, text)
    assert problem is None and value is not None, f"{key}: {text!r}"


@given(st.sampled_from(ALL_ANSWERS), st.text(" \t\n", max_size=3),
       st.text(" \t", max_size=3), st.sampled_from([str.upper, str.lower, str.title,
                                                    str.swapcase]))
def test_answers_ignore_case_and_spacing(item: tuple[str, str], before: str, after: str,
                                         case) -> None:
    key, text = item
    assert answer(key, before + case(text) + after) == answer(key, text)


@pytest.mark.parametrize(("value", "expected"), [
    (1.0, "100%"), (1, "100%"), ("100%", "100%"), ("100 %", "100%"),
    ("Greater than 90%", "greater_than_90%"), ("Did not survey", "did_not_survey"),
])
def test_response_rate(value: object, expected: str) -> None:
    assert answer("q6_response_rate", value) == (expected, None)


def test_unexpected_answer_is_reported_not_guessed() -> None:
    assert answer("q3_covered_countries", "Maybe") == (None, "unexpected answer 'Maybe'")
    assert answer("q3_covered_countries", None) == (None, None)
    assert answer("q3_covered_countries", "#N/A") == (None, None)


@pytest.mark.parametrize(("name", "code"), [
    ("CONGO, DEMOCRATIC REPUBLIC OF THE", "CD"), ("CONGO", "CG"), ("Viet Nam", "VN"),
    ("Korea, Republic of", "KR"), ("Türkiye", "TR"), ("TURKEY", "TR"), ("DRC", "CD"),
    ("united states of america", "US"), ("  China ", "CN"), ("Taiwan", "TW"), ("ch", "CH"),
    ("RUSSIAN FEDERATION", "RU"), ("Bolivia", "BO"), ("Côte d'Ivoire", "CI"),
])
def test_country_spellings(name: str, code: str) -> None:
    assert Countries.load().code(name) == (code, None)


def test_unknown_country_is_reported() -> None:
    assert Countries.load().code("Narnia") == (None, "unknown country 'Narnia'")


@pytest.mark.parametrize(("value", "expected"), [
    ("CID002763", ("CID002763", None)), (" cid002763 ", ("CID002763", None)),
    ("CID 002763", ("CID002763", None)),
    ("CID12345", ("CID12345", "'CID12345' is not a CID (CID followed by six digits)")),
    ("002763", ("002763", "'002763' is not a CID (CID followed by six digits)")),
    (None, (None, None)),
])
def test_cids(value: object, expected: tuple) -> None:
    assert cid(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("Gold", "gold"), ("TANTALUM", "tantalum"), ("Cobalt(*)", "cobalt"),
    ("Natural mica", "mica"), ("Aluminium", None), ("", None),
])
def test_metals(value: str, expected: str | None) -> None:
    assert metal(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (dt.datetime(2026, 3, 31), dt.date(2026, 3, 31)), (46112.0, dt.date(2026, 3, 31)),
    ("2026-03-31", dt.date(2026, 3, 31)), ("31-Mar-2026", dt.date(2026, 3, 31)),
    ("March 31, 2026", dt.date(2026, 3, 31)), ("31.03.2026", dt.date(2026, 3, 31)),
    ("31/03/2026", dt.date(2026, 3, 31)),
])
def test_effective_dates(value: object, expected: dt.date) -> None:
    assert effective_date(value) == (expected, None)


def test_bad_date_is_reported() -> None:
    assert effective_date("soon") == (None, "'soon' is not a date")


def test_scope() -> None:
    assert scope("A. Company") == ("company", None)
    assert scope("B. Product (or List of Products)") == ("product", None)
    assert scope("c. User defined [Specify in 'Description of scope']") == ("user_defined",
                                                                             None)
