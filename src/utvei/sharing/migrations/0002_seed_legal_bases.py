"""Seed one version of the legal reference behind each basis of the decision table (S1–S15).

The references follow reference/domain-research.md, section 6.1. The dates are the start of the version of
each act or chapter recorded here, not the day the rule first existed:
- forvaltningsloven §§ 13 a–13 g: the 2021 amendment of the confidentiality chapter, in force 1 January 2022;
- straffeloven (2005): in force 1 October 2015;
- barnevernsloven (2021): in force 1 January 2023;
- helsepersonelloven: in force 1 January 2001;
- politiregisterloven: in force 1 July 2014;
- sikkerhetsloven (2018): in force 1 January 2019.
Every date and section must be verified against Lovdata before production use.

A new forvaltningsloven was adopted in 2025. Its section numbers are deliberately not entered: the current
references keep valid_to = null until the new act's references are verified and added as new versions.
"""

from datetime import date

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

FVL = "forvaltningsloven"
FVL_2021 = date(2022, 1, 1)

BASES = [
    {
        "code": "consent",
        "law": FVL,
        "section": "§ 13 a nr. 1",
        "title_nb": "Samtykke fra personen (for helsepersonell: helsepersonelloven § 22)",
        "title_en": "Consent of the person (for health personnel: helsepersonelloven § 22)",
        "valid_from": FVL_2021,
    },
    {
        "code": "anonymised",
        "law": FVL,
        "section": "§ 13 a nr. 2",
        "title_nb": "Anonymiserte opplysninger",
        "title_en": "Anonymised information",
        "valid_from": FVL_2021,
    },
    {
        "code": "same_organ",
        "law": FVL,
        "section": "§ 13 b nr. 2–3",
        "title_nb": "Bruk for samme formål og innenfor samme organ",
        "title_en": "Use for the same purpose and within the same organ",
        "valid_from": FVL_2021,
    },
    {
        "code": "own_tasks",
        "law": FVL,
        "section": "§ 13 b nr. 5",
        "title_nb": "Deling med andre offentlige organer for å fremme avgiverens egne oppgaver",
        "title_en": "Sharing with other public bodies to further the discloser's own tasks",
        "valid_from": FVL_2021,
    },
    {
        "code": "offences",
        "law": FVL,
        "section": "§ 13 b nr. 6",
        "title_nb": "Opplysninger om lovbrudd til påtalemyndighet eller politi",
        "title_en": "Information about offences to the prosecution authority or police",
        "valid_from": FVL_2021,
    },
    {
        # Added by the 2021 amendment (Prop. 166 L (2020–2021)); in force 1 January 2022. Verify on Lovdata.
        "code": "danger",
        "law": FVL,
        "section": "§ 13 b nr. 7",
        "title_nb": "Avverge fare for liv eller helse",
        "title_en": "Averting danger to life or health",
        "valid_from": FVL_2021,
    },
    {
        "code": "regulation",
        "law": FVL,
        "section": "§ 13 g",
        "title_nb": "Forskrift om deling av opplysninger mellom organer",
        "title_en": "Regulation on sharing information between bodies",
        "valid_from": FVL_2021,
    },
    {
        "code": "duty_to_avert",
        "law": "straffeloven",
        "section": "§ 196",
        "title_nb": "Avvergingsplikt",
        "title_en": "Duty to avert serious offences",
        "valid_from": date(2015, 10, 1),
    },
    {
        "code": "duty_to_help",
        "law": "straffeloven",
        "section": "§ 287",
        "title_nb": "Hjelpeplikt",
        "title_en": "Duty to help",
        "valid_from": date(2015, 10, 1),
    },
    {
        "code": "child_welfare_duty",
        "law": "barnevernsloven",
        "section": "§ 13-2",
        "title_nb": "Opplysningsplikt til barnevernet (for helsepersonell: helsepersonelloven § 33)",
        "title_en": "Duty to inform child welfare (for health personnel: helsepersonelloven § 33)",
        "valid_from": date(2023, 1, 1),
    },
    {
        "code": "health_right",
        "law": "helsepersonelloven",
        "section": "§ 23 nr. 4",
        "title_nb": "Helsepersonells adgang til å dele av tungtveiende hensyn",
        "title_en": "Health personnel's right to share for weighty interests",
        "valid_from": date(2001, 1, 1),
    },
    {
        "code": "health_emergency",
        "law": "helsepersonelloven",
        "section": "§ 31",
        "title_nb": "Helsepersonells plikt til å varsle politi og brannvesen",
        "title_en": "Health personnel's duty to alert the police and fire service",
        "valid_from": date(2001, 1, 1),
    },
    {
        # The exact section for crime-prevention sharing is not verified; the chapter is cited instead.
        "code": "police_rules",
        "law": "politiregisterloven",
        "section": "§ 23 flg.",
        "title_nb": "Politiets taushetsplikt og adgang til å utlevere opplysninger",
        "title_en": "Police confidentiality and the police's power to disclose",
        "valid_from": date(2014, 7, 1),
    },
    {
        "code": "classified",
        "law": "sikkerhetsloven",
        "section": "§§ 5-3 og 5-4",
        "title_nb": "Sikkerhetsgradert informasjon",
        "title_en": "Security-classified information",
        "valid_from": date(2019, 1, 1),
    },
    {
        # A procedure, not a provision: a report rests on one of the bases above. The date only aligns it
        # with the forvaltningsloven version seeded here.
        "code": "report_to_police",
        "law": "",
        "section": "",
        "title_nb": "Bekymringsmelding til politiet eller PST",
        "title_en": "Report of concern to the police or PST",
        "valid_from": FVL_2021,
    },
]


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    legal_basis = apps.get_model("sharing", "LegalBasis")
    for basis in BASES:
        legal_basis.objects.create(**basis)


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    legal_basis = apps.get_model("sharing", "LegalBasis")
    for basis in BASES:
        legal_basis.objects.filter(code=basis["code"], valid_from=basis["valid_from"]).delete()


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
