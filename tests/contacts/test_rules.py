"""R05 anonymisation and the R35/utveier first-conversation warning, as pure functions (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from utvei.cases.models import Person
from utvei.contacts.rules import REMOVED, anonymise, contains_identity_number, first_conversation_warnings
from utvei.core.fnr import synthetic_fodselsnummer

BORN = date(2007, 3, 5)
NUMBER = synthetic_fodselsnummer(BORN)


def _person(**overrides: object) -> Person:
    fields: dict[str, object] = {
        "given_name": "Anne-Lise Marie",
        "family_name": "Berg",
        "birth_date": BORN,
        "national_id": NUMBER,
        "phone": "+47 912 34 567",
        "email": "Anne.Berg@Example.invalid",
        "address": "Kongens gate 5 B\n0153 Oslo",
    }
    fields.update(overrides)
    return Person(**fields)


@pytest.mark.parametrize(
    "text",
    [
        "Anne-Lise Marie Berg",
        "anne-lise marie berg",
        "ANNE-LISE",
        "Anne",
        "Lise",
        "Marie",
        "Berg",
        "berg",
        "Anne-Lise Marie  Berg",
        "Anne-Lise\nMarie Berg",
    ],
)
def test_r05_names_are_removed_case_insensitively(text: str) -> None:
    result = anonymise(f"Vi snakket med {text} i dag.", _person())
    assert result.startswith("Vi snakket med [fjernet]")
    assert result.endswith(" i dag.")
    assert "berg" not in result.lower() and "anne" not in result.lower()


def test_r05_the_genitive_of_a_name_is_removed_too() -> None:
    assert anonymise("Bergs mor og Annes bror", _person()) == f"{REMOVED} mor og {REMOVED} bror"


def test_r05_a_double_name_becomes_one_marker() -> None:
    assert anonymise("ANNE-LISE kom, og Anne-Lise Marie Berg gikk.", _person()) == f"{REMOVED} kom, og {REMOVED} gikk."


def test_r05_names_inside_other_words_are_kept() -> None:
    # Word-boundary aware: "Bergen", "Isberg" and "Marielyst" are not the person's names.
    text = "Flyttet fra Bergen til Isberg, ferie på Marielyst."
    assert anonymise(text, _person()) == text


@pytest.mark.parametrize(
    "written",
    [NUMBER, f"{NUMBER[:6]} {NUMBER[6:]}", f"{NUMBER[:6]}-{NUMBER[6:]}", f"{NUMBER[:6]}.{NUMBER[6:]}"],
)
def test_r05_the_national_identity_number_is_removed_in_any_spacing(written: str) -> None:
    result = anonymise(f"Fnr: {written}.", _person())
    assert result == f"Fnr: {REMOVED}."
    assert not contains_identity_number(result)


@pytest.mark.parametrize(
    "written", ["91234567", "912 34 567", "+47 912 34 567", "+4791234567", "0047 91234567", "91 23 45 67", "912-34-567"]
)
def test_r05_the_phone_number_is_removed_in_common_formats(written: str) -> None:
    assert anonymise(f"Ring {written} i morgen", _person()) == f"Ring {REMOVED} i morgen"


def test_r05_a_longer_number_containing_the_phone_digits_is_not_mangled() -> None:
    assert anonymise("Saksnr 1912345678", _person()) == "Saksnr 1912345678"


def test_r05_the_email_is_removed_case_insensitively() -> None:
    assert anonymise("Mail: anne.berg@example.invalid.", _person()) == f"Mail: {REMOVED}."


def test_r05_address_lines_street_and_postcode_are_removed() -> None:
    text = "Bor i Kongens gate 5 B, 0153 Oslo. Ofte i Kongens gate. Postnummer 0153."
    result = anonymise(text, _person())
    assert "Kongens" not in result and "0153" not in result and "Oslo" not in result
    assert result == f"Bor i {REMOVED}, {REMOVED}. Ofte i {REMOVED}. Postnummer {REMOVED}."


@pytest.mark.parametrize(
    "written",
    ["05.03.2007", "5.3.2007", "05.3.2007", "5.03.2007", "2007-03-05", "05/03/2007", "050307", "5. mars 2007"],
)
def test_r05_the_birth_date_is_removed_in_every_format(written: str) -> None:
    assert anonymise(f"Født {written}, bor hjemme", _person()) == f"Født {REMOVED}, bor hjemme"


def test_r05_other_dates_are_kept() -> None:
    text = "Møte 05.03.2024 og 2007-03-06."
    assert anonymise(text, _person()) == text


def test_r05_extra_names_such_as_guardians_are_removed() -> None:
    assert anonymise("Moren Gro Hansen var med.", _person(), extra_names=["Gro Hansen"]) == f"Moren {REMOVED} var med."


def test_r05_empty_fields_remove_nothing() -> None:
    person = _person(national_id="", phone="", email="", address="")
    text = "Personen har jobb og trener fotball."
    assert anonymise(text, person) == text


def test_r05_a_whole_note_keeps_its_meaning_and_loses_its_identity() -> None:
    note = (
        "Anne-Lise Berg (f. 05.03.2007, fnr " + NUMBER + ") bor i Kongens gate 5 B, 0153 Oslo, tlf 912 34 567. "
        "Anne er usikker på vennene sine og ønsker jobb."
    )
    result = anonymise(note, _person())
    for identifying in ("Anne", "Berg", "2007", NUMBER, "Kongens", "0153", "912"):
        assert identifying not in result
    assert "usikker på vennene sine og ønsker jobb" in result


def test_r05_another_persons_number_is_detected_after_anonymisation() -> None:
    someone_else = synthetic_fodselsnummer(date(1980, 1, 2))
    result = anonymise(f"Broren har fnr {someone_else}.", _person())
    assert contains_identity_number(result)
    assert contains_identity_number(f"{someone_else[:6]} {someone_else[6:]}")


def test_r05_phone_numbers_and_dates_are_not_taken_for_identity_numbers() -> None:
    assert not contains_identity_number("Ring 912 34 567 eller 22 33 44 55, møte 05.03.2024.")
    assert not contains_identity_number("Kontonummer 1234.56.78903 er ikke 11 sifre i rad")  # 4-2-5 grouping
    assert not contains_identity_number("123456789012")  # 12 digits


def test_r35_utveier_warns_when_nothing_was_told_in_the_first_conversation() -> None:
    warnings = first_conversation_warnings(
        is_first=True, told_mandate=False, told_confidentiality=False, told_reporting_duty=False
    )
    assert len(warnings) == 1
    assert warnings[0].startswith("Fortell personen om mandatet") and "R35" not in warnings[0]


@pytest.mark.parametrize("told", ["told_mandate", "told_confidentiality", "told_reporting_duty"])
def test_r35_utveier_is_satisfied_by_any_of_the_three(told: str) -> None:
    flags = {"told_mandate": False, "told_confidentiality": False, "told_reporting_duty": False, told: True}
    assert first_conversation_warnings(is_first=True, **flags) == []


def test_r35_utveier_does_not_apply_to_later_conversations() -> None:
    assert (
        first_conversation_warnings(
            is_first=False, told_mandate=False, told_confidentiality=False, told_reporting_duty=False
        )
        == []
    )


def test_r05_adjacent_markers_merge_so_the_number_of_names_is_not_told() -> None:
    assert anonymise("Anne Berg kom, Berg Anne gikk.", _person()) == f"{REMOVED} kom, {REMOVED} gikk."
    assert anonymise("Berg\nAnne", _person()) == f"{REMOVED}\n{REMOVED}"
