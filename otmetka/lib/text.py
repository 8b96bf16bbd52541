"""Russian text helpers: collation of names, short names and their declension.

Plural forms are not here: they come from gettext's ``ngettext`` (STYLE.md «Plurals»).
"""

from __future__ import annotations

from enum import Enum
from functools import cache

from django.utils.formats import number_format
from django.utils.translation import ngettext
from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case as _PetrovichCase
from pytrovich.enums import Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

from otmetka.lib.errors import DomainError

_RU_ORDER = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_RU_RANK = {letter: index for index, letter in enumerate(_RU_ORDER)}


def ru_sort_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts «Ё» right after «Е», as a Russian reader expects (not after «я»)."""
    key: list[tuple[int, int | str]] = []
    for char in text.lower():
        rank = _RU_RANK.get(char)
        key.append((0, rank) if rank is not None else (1, char))
    return tuple(key)


def initials(last_name: str, first_name: str, middle_name: str = "") -> str:
    """Иванов И. П."""
    parts = [last_name]
    if first_name:
        parts.append(f"{first_name[0]}.")
    if middle_name:
        parts.append(f"{middle_name[0]}.")
    return " ".join(parts)


# The values of people.Person.Sex, repeated here because lib sits below every app.
MALE = "M"
FEMALE = "F"


class Case(Enum):
    """Grammatical cases a name is put in: «вместо кого?» is the genitive."""

    NOMINATIVE = "nominative"
    GENITIVE = "genitive"
    DATIVE = "dative"
    ACCUSATIVE = "accusative"
    INSTRUMENTAL = "instrumental"
    PREPOSITIONAL = "prepositional"


_CASES = {case: getattr(_PetrovichCase, case.name) for case in Case}


@cache
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@cache
def _detector() -> PetrovichGenderDetector:
    return PetrovichGenderDetector()


def guess_sex(first_name: str = "", middle_name: str = "", last_name: str = "") -> str:
    """«M», «F» or «» when a person's sex is not recorded: the patronymic decides, then the names.

    «Петровна», «Ильинична», «… кызы» are a woman's; «Петрович», «Ильич», «… оглы» a man's.
    A name that could be either («Саша Ким») stays unknown.
    """
    middle = middle_name.strip().lower()
    if middle.endswith(("вна", "чна", "кызы", "гызы")):
        return FEMALE
    if middle.endswith(("вич", "ич", "оглы", "улы", "уулу")):
        return MALE
    parts = {
        "firstname": first_name.strip() or None,
        "middlename": middle or None,
        "lastname": last_name.strip() or None,
    }
    if not any(parts.values()):
        return ""
    gender = _detector().detect(**parts)
    return {Gender.MALE: MALE, Gender.FEMALE: FEMALE}.get(gender, "")


def _decline_part(part: NamePart, gender: Gender, case: Case, text: str, known: bool) -> str:
    if not text or case is Case.NOMINATIVE:
        return text
    return _maker().make(part, gender, _CASES[case], text, known_gender=known)


def decline_name(
    last_name: str, first_name: str, middle_name: str = "", *, sex: str = "", case: Case
) -> tuple[str, str, str]:
    """The three parts of a name in `case`, declined by `sex` («M»/«F»), guessed when unknown.

    «Быков Алексей Петрович» → («Быкова», «Алексея», «Петровича»);
    «Быкова Анна Петровна» → («Быковой», «Анны», «Петровны»).
    """
    known = sex in (MALE, FEMALE)
    if not known:
        sex = guess_sex(first_name, middle_name, last_name)
    gender = {MALE: Gender.MALE, FEMALE: Gender.FEMALE}.get(sex, Gender.ANDROGYNOUS)
    # A guessed sex uses petrovich's looser rule set, as its authors advise. A surname of
    # nobody knows whom («Ким С.») is left as written: «Кима» would be wrong for a woman.
    last = _decline_part(NamePart.LASTNAME, gender, case, last_name, known) if sex else last_name
    return (
        last,
        _decline_part(NamePart.FIRSTNAME, gender, case, first_name, known),
        _decline_part(NamePart.MIDDLENAME, gender, case, middle_name, known),
    )


def full_name(last_name: str, first_name: str, middle_name: str = "") -> str:
    """Иванов Иван Петрович (the empty parts left out)."""
    return " ".join(part for part in (last_name, first_name, middle_name) if part)


def full_name_in(
    last_name: str, first_name: str, middle_name: str = "", *, sex: str = "", case: Case
) -> str:
    """«Быкова Алексея Петровича» for the genitive of a man."""
    return full_name(*decline_name(last_name, first_name, middle_name, sex=sex, case=case))


def short_name_in(
    last_name: str, first_name: str, middle_name: str = "", *, sex: str = "", case: Case
) -> str:
    """«вместо Быкова А. П.» (a man), «вместо Быковой А. П.» (a woman): only the surname declines.

    The surname is declined by the person's sex, since «Быкова А. П.» may be a man in the
    genitive or a woman in the nominative; the initials come from the name as written.
    """
    last, _first, _middle = decline_name(last_name, first_name, middle_name, sex=sex, case=case)
    return initials(last, first_name, middle_name)


def grouped(value: object) -> object:
    """«1 234» (with a non-breaking space in Russian) for a count; anything else as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return number_format(value, force_grouping=True)
    return value


def by_sex(sex: str, *, male: str, female: str, unknown: str) -> str:
    """The text that agrees with the person: «зачислен», «зачислена», or «зачислен(а)»."""
    return {MALE: male, FEMALE: female}.get(sex, unknown)


def bounded_text(value: str | None, *, limit: int, field: str) -> str:
    """Typed text, trimmed, refused when longer than its column (never cut silently)."""
    text = (value or "").strip()
    if len(text) > limit:
        raise DomainError(
            ngettext(
                "Не длиннее %(limit)s знака (сейчас %(length)s).",
                "Не длиннее %(limit)s знаков (сейчас %(length)s).",
                limit,
            )
            % {"limit": limit, "length": len(text)},
            field=field,
        )
    return text
