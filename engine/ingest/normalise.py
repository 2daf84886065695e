"""Turn what suppliers type (or what the template's formulas cached) into the facts' values.

Answers are matched case- and whitespace-insensitively against the English dropdown values
the templates allow; countries go through the template's own code list (sheet C), pycountry
and a small alias table; CIDs must be `CID` and six digits. Anything that does not normalise
is returned as None together with a message, never guessed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

_DATA = Path(__file__).resolve().parent / "data"
CID_PATTERN = re.compile(r"^CID\d{6}$")

METAL_NAMES = {
    "tantalum": "tantalum", "tin": "tin", "gold": "gold", "tungsten": "tungsten",
    "cobalt": "cobalt", "mica": "mica", "natural mica": "mica", "copper": "copper",
    "graphite": "graphite", "natural graphite": "graphite", "lithium": "lithium",
    "nickel": "nickel",
}

# Template answer (lower-cased, spaces collapsed) -> fact value, per kind of question.
_YES_NO = {"yes": "yes", "no": "no", "unknown": "unknown",
           "not applicable for this declaration": "not_applicable",
           "not declaring": "not_declaring"}
_CAHRA = {**_YES_NO, "drc only": "drc_only",
          "india and/or madagascar only": "india_madagascar_only",
          "drc or adjoining countries only": "drc_or_adjoining_only"}
_RATE = {"100%": "100%", "1": "100%", "1.0": "100%", "greater than 90%": "greater_than_90%",
         "greater than 75%": "greater_than_75%", "greater than 50%": "greater_than_50%",
         "50% or less": "50%_or_less", "none": "none", "did not survey": "did_not_survey"}
RATE_MIN = {"100%": 1.0, "greater_than_90%": 0.9, "greater_than_75%": 0.75,
            "greater_than_50%": 0.5, "50%_or_less": 0.0, "none": 0.0}
_SURVEY = {"no": "no"}
_DISCLOSURE = {"yes, with the sec": "sec", "yes, with the eu": "eu",
               "yes, with the sec and the eu": "sec_and_eu", "no": "no"}
_AUDITED = {**_YES_NO, "yes, when more processors are validated": "yes_when_validated"}
_SCOPE = {"a": "company", "b": "product", "c": "user_defined"}

ANSWER_TABLES: dict[str, dict[str, str]] = {
    "q4_cahra": _CAHRA,
    "q6_response_rate": _RATE,
    "surveys_suppliers": _SURVEY,
    "annual_disclosure": _DISCLOSURE,
    "requires_audited_smelters": _AUDITED,
}


def _key(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip().lower()


def clean_text(value: Any) -> str | None:
    """A cell's text with surrounding whitespace removed; None for empty or error cells."""
    if value is None:
        return None
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else str(value)
    elif isinstance(value, dt.datetime | dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.strip()
    if not text or re.fullmatch(r"#(N/A|REF!|VALUE!|DIV/0!|NAME\?|NUM!|NULL!)", text):
        return None
    return text


def answer(field: str, value: Any) -> tuple[str | None, str | None]:
    """(fact value, problem) for a dropdown answer to question `field`."""
    text = clean_text(value)
    if text is None:
        return None, None
    key = _key(value)
    if field == "surveys_suppliers":
        if key.startswith("yes") and "other format" in key:
            return "other_format", None
        if key.startswith("yes"):
            return "template", None
    table = ANSWER_TABLES.get(field, _YES_NO)
    if key in table:
        return table[key], None
    if field == "q6_response_rate" and re.fullmatch(r"1(\.0+)?|100 ?%", key):
        return "100%", None
    return None, f"unexpected answer {text!r}"


def scope(value: Any) -> tuple[str | None, str | None]:
    """Declaration scope ('A. Company', 'B. Product ...', 'C. User defined ...')."""
    text = clean_text(value)
    if text is None:
        return None, None
    match = re.match(r"^\s*([ABC])\s*[.)]", text, flags=re.IGNORECASE)
    if match:
        return _SCOPE[match.group(1).lower()], None
    return None, f"unexpected declaration scope {text!r}"


def metal(value: Any) -> str | None:
    """A metal name (any case, optional '(*)') to the closed set, or None."""
    text = clean_text(value)
    if text is None:
        return None
    return METAL_NAMES.get(_key(text.replace("(*)", "")))


def cid(value: Any) -> tuple[str | None, str | None]:
    """A smelter identification number, upper-cased; problem text if not CID + 6 digits."""
    text = clean_text(value)
    if text is None:
        return None, None
    compact = re.sub(r"\s+", "", text).upper()
    if CID_PATTERN.match(compact):
        return compact, None
    return text, f"{text!r} is not a CID (CID followed by six digits)"


@dataclass(frozen=True)
class Countries:
    """Country names as the templates spell them, plus pycountry and aliases."""

    by_name: dict[str, str]

    @staticmethod
    @cache
    def load() -> Countries:
        data = json.loads((_DATA / "countries.json").read_text(encoding="utf-8"))
        names = {_key(k): v for k, v in data["template_names"].items()}
        names.update({_key(k): v for k, v in data["aliases"].items()})
        return Countries(names)

    def code(self, value: Any) -> tuple[str | None, str | None]:
        """(ISO alpha-2, problem) for a country as written in a template."""
        text = clean_text(value)
        if text is None:
            return None, None
        key = _key(text)
        if key in self.by_name:
            return self.by_name[key], None
        if re.fullmatch(r"[a-z]{2}", key) and pycountry.countries.get(alpha_2=key.upper()):
            return key.upper(), None
        try:
            return pycountry.countries.lookup(text).alpha_2, None
        except LookupError:
            pass
        try:
            found = pycountry.countries.search_fuzzy(text)
        except LookupError:
            found = []
        if len(found) == 1:
            return found[0].alpha_2, None
        return None, f"unknown country {text!r}"


def effective_date(value: Any) -> tuple[dt.date | None, str | None]:
    """The declaration's effective date from a date cell, an Excel serial or text."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, int | float):
        if 20000 < value < 80000:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value)), None
        return None, f"{value!r} is not a date"
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%d-%b-%Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y",
                    "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date(), None
        except ValueError:
            continue
    return None, f"{text!r} is not a date"
