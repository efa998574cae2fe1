"""Seed the versioned legal references for participating services (domain research §3.1).

Section numbers marked unverified there are left empty here and added as a new version once verified
against Lovdata; a replaced act gets ``valid_to`` and its successor a new row.
"""

from datetime import date

from django.db import migrations

REFERENCES = [
    # code, law, section, title_nb, title_en, valid_from, valid_to, is_school_duty
    ("pbrl-2-5", "pasient- og brukerrettighetsloven", "§ 2-5", "Rett til individuell plan",
     "Right to an individual plan", date(2001, 1, 1), None, False),
    ("hol-7-1", "helse- og omsorgstjenesteloven", "§ 7-1", "Kommunens plikt til individuell plan",
     "The municipality's duty to prepare an individual plan", date(2012, 1, 1), None, False),
    ("hol-7-2", "helse- og omsorgstjenesteloven", "§ 7-2", "Koordinator",
     "Coordinator", date(2012, 1, 1), None, False),
    ("sphl-2-5", "spesialisthelsetjenesteloven", "§ 2-5", "Individuell plan i spesialisthelsetjenesten",
     "Individual plan in specialist health services", date(2001, 1, 1), None, False),
    ("phvl-4-1", "psykisk helsevernloven", "§ 4-1", "Individuell plan i psykisk helsevern",
     "Individual plan in mental health care", date(2001, 1, 1), None, False),
    ("navl-15", "NAV-loven", "§ 15", "Rett til individuell plan i NAV",
     "Right to an individual plan in NAV", date(2006, 7, 1), None, False),
    ("sotjl-28", "sosialtjenesteloven", "§ 28", "Individuell plan i sosiale tjenester",
     "Individual plan in social services", date(2010, 1, 1), None, False),
    ("bvl-1992-3-2a", "barnevernloven (1992)", "§ 3-2 a", "Individuell plan i barnevernet",
     "Individual plan in child welfare", date(2010, 1, 1), date(2022, 12, 31), False),
    ("bvl-2021", "barnevernsloven (2021)", "", "Individuell plan i barnevernet (paragraf ikke verifisert)",
     "Individual plan in child welfare (section not verified)", date(2023, 1, 1), None, False),
    ("oppl-1998-15-8", "opplæringslova (1998)", "§ 15-8", "Skolens plikt til å samarbeide",
     "The school's duty to cooperate", date(2008, 1, 1), date(2024, 7, 31), True),
    ("oppl-2023", "opplæringslova (2023)", "", "Skolens plikt til å samarbeide (paragraf ikke verifisert)",
     "The school's duty to cooperate (section not verified)", date(2024, 8, 1), None, True),
    ("friskl-3-6b", "friskolelova", "§ 3-6 b", "Friskolens plikt til å samarbeide",
     "The independent school's duty to cooperate", date(2010, 1, 1), None, True),
    ("ip-forskrift-2022", "forskrift om individuell plan ved ytelse av velferdstjenester", "",
     "Innhold og ansvar i individuell plan", "Contents of and responsibility for an individual plan",
     date(2022, 8, 1), None, False),
]


def seed(apps, schema_editor):
    LegalReference = apps.get_model("plans", "LegalReference")
    for code, law, section, title_nb, title_en, valid_from, valid_to, school in REFERENCES:
        LegalReference.objects.get_or_create(
            code=code,
            valid_from=valid_from,
            defaults={
                "law": law,
                "section": section,
                "title_nb": title_nb,
                "title_en": title_en,
                "valid_to": valid_to,
                "is_school_duty": school,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
