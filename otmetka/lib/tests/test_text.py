"""Names in the right case (lib/text.py over pytrovich)."""

from __future__ import annotations

import pytest

from otmetka.lib.text import (
    FEMALE,
    MALE,
    Case,
    decline_name,
    full_name_in,
    guess_sex,
    short_name_in,
)


@pytest.mark.parametrize(
    ("name", "sex", "genitive"),
    [
        (("Быков", "Алексей", "Петрович"), MALE, "Быкова А. П."),
        (("Быкова", "Анна", "Петровна"), FEMALE, "Быковой А. П."),
        (("Белова", "Светлана", "Андреевна"), FEMALE, "Беловой С. А."),
        (("Учителев", "Пётр", "Андреевич"), MALE, "Учителева П. А."),
        (("Черных", "Илья", "Ильич"), MALE, "Черных И. И."),
        (("Ким", "Ирина", "Олеговна"), FEMALE, "Ким И. О."),
        (("Ким", "Игорь", "Олегович"), MALE, "Кима И. О."),
        (("Соловей", "Любовь", "Львовна"), FEMALE, "Соловей Л. Л."),
        (("Иванов-Петров", "Ян", "Янович"), MALE, "Иванова-Петрова Я. Я."),
    ],
)
def test_short_name_in_genitive_declines_the_surname_by_sex(
    name: tuple[str, str, str], sex: str, genitive: str
) -> None:
    assert short_name_in(*name, sex=sex, case=Case.GENITIVE) == genitive


def test_the_same_written_surname_declines_by_sex() -> None:
    # «Быкова» is a woman's nominative and a man's genitive: the sex decides.
    assert short_name_in("Быкова", "Анна", "Петровна", sex=FEMALE, case=Case.GENITIVE) == (
        "Быковой А. П."
    )
    assert short_name_in("Быков", "Андрей", "Петрович", sex=MALE, case=Case.GENITIVE) == (
        "Быкова А. П."
    )


def test_full_name_in_every_part_for_both_sexes() -> None:
    assert decline_name("Быков", "Алексей", "Петрович", sex=MALE, case=Case.GENITIVE) == (
        "Быкова",
        "Алексея",
        "Петровича",
    )
    assert full_name_in("Быкова", "Анна", "Петровна", sex=FEMALE, case=Case.DATIVE) == (
        "Быковой Анне Петровне"
    )
    assert full_name_in("Быков", "Пётр", "Ильич", sex=MALE, case=Case.INSTRUMENTAL) == (
        "Быковым Петром Ильичом"
    )
    assert full_name_in("Быков", "Пётр", "Ильич", sex=MALE, case=Case.NOMINATIVE) == (
        "Быков Пётр Ильич"
    )


@pytest.mark.parametrize(
    ("first", "middle", "last", "sex"),
    [
        ("Алексей", "Петрович", "Быков", MALE),
        ("Анна", "Петровна", "Быкова", FEMALE),
        ("Мария", "Ильинична", "Черных", FEMALE),
        ("Илья", "Ильич", "Черных", MALE),
        ("Арзу", "Лутфияр кызы", "Алиева", FEMALE),
        ("Мамед", "Гусейн оглы", "Алиев", MALE),
        ("", "", "Быкова", FEMALE),
        ("Саша", "", "Ким", ""),
        ("", "", "", ""),
    ],
)
def test_guess_sex_from_the_patronymic_then_the_names(
    first: str, middle: str, last: str, sex: str
) -> None:
    assert guess_sex(first, middle, last) == sex


def test_unknown_sex_falls_back_to_the_patronymic() -> None:
    assert short_name_in("Быков", "Алексей", "Петрович", case=Case.GENITIVE) == "Быкова А. П."
    assert short_name_in("Быкова", "Анна", "Петровна", case=Case.GENITIVE) == "Быковой А. П."
    # Nobody can tell whose «Ким С.» it is: the surname stays as written, not «Кима».
    assert short_name_in("Ким", "Саша", "", case=Case.GENITIVE) == "Ким С."
