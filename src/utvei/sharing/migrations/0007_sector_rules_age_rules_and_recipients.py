"""Seed the sector rules, the consent age rules, the pre-2023 child welfare act and the external recipients.

Legal references are data: each row is one version valid from–to. This migration
- takes section numbers out of titles (a title names the rule; the citation is ``law`` + ``section``);
- marks each reference ``verified`` when it was checked against an authoritative source (Lovdata, or the
  responsible ministry's or directorate's own commentary or proposition), naming it in ``source_note``;
  unverified references are listed in docs/sharing.md and never shown to users as such;
- adds the health consent, the sector rules of NAV, the social services and child welfare, the duty to
  inform child welfare under the health personnel act and the education act, and the 1992 child welfare
  act, so that a decision dated before 1 January 2023 cites the act then in force;
- adds the age rules (the health consent age, the age of majority, the child's right to be heard);
- seeds the register of external recipients (police, PST, 112, child welfare, konfliktrådet, RVTS…).

When the new forvaltningsloven (Prop. 79 L (2024–2025)) enters into force, a later migration adds its
references as new versions of the same codes and closes these: no code changes.
"""

from datetime import date

from django.db import migrations

FVL_2021 = date(2022, 1, 1)
BVL_1992 = date(1993, 1, 1)
BVL_2021 = date(2023, 1, 1)
LAST_DAY_BVL_1992 = date(2022, 12, 31)

# (code, valid_from) of the seeded versions: new title, verified, source note.
UPDATES = {
    ("consent", FVL_2021): ("Samtykke fra personen", "Consent of the person", True, "JD guide on confidentiality, ch. 5"),
    ("anonymised", FVL_2021): (None, None, True, "Prop. 166 L (2020–2021)"),
    ("same_organ", FVL_2021): (None, None, False, "wording of nr. 2 not checked"),
    ("own_tasks", FVL_2021): (None, None, True, "JD consultation note 2020 quoting nr. 5"),
    ("offences", FVL_2021): (None, None, True, "JD consultation note 2020; JD guide ch. 2"),
    ("danger", FVL_2021): (None, None, False, "Prop. 166 L ch. 8; the start date differs between sources"),
    ("regulation", FVL_2021): (None, None, True, "change history of the 2021 amendment"),
    ("duty_to_avert", date(2015, 10, 1)): (None, None, True, "JD guide on confidentiality, ch. 2"),
    ("duty_to_help", date(2015, 10, 1)): (None, None, True, "Prop. 79 L (2024–2025) ch. 12"),
    ("child_welfare_duty", BVL_2021): (
        "Opplysningsplikt til barnevernet",
        "Duty to inform child welfare",
        True,
        "JD guide on confidentiality, ch. 2",
    ),
    ("health_right", date(2001, 1, 1)): (None, None, True, "Helsedirektoratet's commentary on the act"),
    ("health_emergency", date(2001, 1, 1)): (None, None, True, "Helsedirektoratet's commentary on the act"),
    ("police_rules", date(2014, 7, 1)): (None, None, False, "the section for crime-prevention sharing is open"),
    ("classified", date(2019, 1, 1)): (None, None, True, "JD consultation note 2020, section 2.5.6"),
    ("report_to_police", FVL_2021): (None, None, True, "a procedure, not a provision"),
}

NEW = [
    # (code, law, section, title_nb, title_en, valid_from, valid_to, age, verified, source_note)
    ("health_consent", "helsepersonelloven", "§ 22", "Samtykke fra pasienten til å dele helseopplysninger",
     "The patient's consent to share health information", date(2001, 1, 1), None, None, True,
     "Helsedirektoratet's commentary on the act"),
    ("child_welfare_duty", "barnevernloven (1992)", "§ 6-4 annet ledd", "Opplysningsplikt til barnevernet",
     "Duty to inform child welfare", BVL_1992, LAST_DAY_BVL_1992, None, True,
     "Ot.prp. nr. 64 (2004–2005) ch. 8; Udir-10-2012; the start date of the 1992 act is not checked"),
    ("child_welfare_duty_health", "helsepersonelloven", "§ 33", "Helsepersonells opplysningsplikt til barnevernet",
     "Health personnel's duty to inform child welfare", date(2001, 1, 1), None, None, True,
     "Helsedirektoratet's commentary on the act"),
    ("child_welfare_duty_school", "opplæringslova (1998)", "§ 15-3", "Skolepersonalets opplysningsplikt til barnevernet",
     "School staff's duty to inform child welfare", date(1999, 8, 1), date(2024, 7, 31), None, False,
     "Udir-10-2012 names the section; the dates of the act are not checked"),
    ("child_welfare_duty_school", "opplæringslova (2023)", "", "Skolepersonalets opplysningsplikt til barnevernet",
     "School staff's duty to inform child welfare", date(2024, 8, 1), None, None, False,
     "the section of the 2023 act is not checked"),
    ("nav_sharing", "NAV-loven", "§ 7", "NAVs adgang til å dele etter NAV-loven",
     "NAV's power to share under the NAV act", date(2006, 7, 1), None, None, False,
     "a legal report on NAV's rules; the current wording after 2021 is not checked"),
    ("social_services_sharing", "sosialtjenesteloven", "§ 44",
     "Sosialtjenestens adgang til å dele etter sosialtjenesteloven",
     "The social services' power to share under the social services act", date(2010, 1, 1), None, None, True,
     "the national guide's page on confidentiality in NAV (circular no. 35)"),
    ("child_welfare_sharing", "barnevernsloven", "§ 13-1 og kapittel 13",
     "Barnevernets taushetsplikt og adgang til å dele", "Child welfare's confidentiality and power to share",
     BVL_2021, None, None, False, "Prop. 64 L (2022–2023) names § 13-1; the section on sharing is not checked"),
    ("child_welfare_sharing", "barnevernloven (1992)", "§ 6-7",
     "Barnevernets taushetsplikt og adgang til å dele", "Child welfare's confidentiality and power to share",
     BVL_1992, LAST_DAY_BVL_1992, None, False, "named in a master's thesis only"),
    ("health_consent_age", "pasient- og brukerrettighetsloven", "§ 4-3 første ledd bokstav b",
     "Helserettslig myndighetsalder", "The age of consent in health matters", date(2001, 1, 1), None, 16, True,
     "Helsedirektoratet's commentary on § 4-3"),
    ("age_of_majority", "vergemålsloven", "§ 2", "Myndighetsalder", "The age of majority", date(2013, 7, 1), None,
     18, False, "not checked"),
    ("child_heard", "barneloven", "§ 31", "Barnets rett til å bli hørt", "The child's right to be heard",
     date(1982, 1, 1), None, None, False, "named in a master's thesis only"),
]

RECIPIENTS = [
    ("police_02800", "Politiet (02800)", "The police (02800)", "police_district"),
    ("police_radicalisation_contact", "Politiets radikaliseringskontakt", "The police radicalisation contact",
     "police_district"),
    ("emergency_112", "Nødnummer 112", "Emergency number 112", "police_district"),
    ("pst", "Politiets sikkerhetstjeneste (PST)", "Police Security Service (PST)", "pst"),
    ("child_welfare_service", "Barnevernstjenesten", "The child welfare service", "child_welfare"),
    ("child_welfare_on_call", "Barnevernvakten", "The child welfare emergency service", "child_welfare"),
    ("konfliktradet", "Konfliktrådet", "The National Mediation Service (konfliktrådet)", "mediation_service"),
    ("rvts", "RVTS (regionalt ressurssenter om vold, traumatisk stress og selvmordsforebygging)",
     "RVTS (regional resource centre on violence, traumatic stress and suicide prevention)", "resource_centre"),
    ("correctional_service", "Kriminalomsorgen", "The Correctional Service", "correctional_service"),
    ("health_service", "Helsetjenesten (fastlege, legevakt)", "The health service (GP, emergency clinic)", "health"),
    ("private_person", "En privatperson", "A private person", "private_person"),
    ("anyone_who_can_act", "Den som kan avverge faren", "Whoever can avert the danger", "anyone"),
]


def seed(apps, schema_editor):
    legal_basis = apps.get_model("sharing", "LegalBasis")
    for (code, valid_from), (title_nb, title_en, verified, note) in UPDATES.items():
        changes = {"verified": verified, "source_note": note}
        if title_nb:
            changes.update(title_nb=title_nb, title_en=title_en)
        legal_basis.objects.filter(code=code, valid_from=valid_from).update(**changes)
    for code, law, section, title_nb, title_en, valid_from, valid_to, age, verified, note in NEW:
        legal_basis.objects.create(
            code=code,
            law=law,
            section=section,
            title_nb=title_nb,
            title_en=title_en,
            valid_from=valid_from,
            valid_to=valid_to,
            age=age,
            verified=verified,
            source_note=note,
        )
    recipient = apps.get_model("sharing", "ExternalRecipient")
    for code, name_nb, name_en, kind in RECIPIENTS:
        recipient.objects.create(code=code, name_nb=name_nb, name_en=name_en, kind=kind)


def unseed(apps, schema_editor):
    legal_basis = apps.get_model("sharing", "LegalBasis")
    for code, _law, _section, _nb, _en, valid_from, *_rest in NEW:
        legal_basis.objects.filter(code=code, valid_from=valid_from).delete()
    apps.get_model("sharing", "ExternalRecipient").objects.filter(code__in=[r[0] for r in RECIPIENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("sharing", "0006_consent_givers_fingerprint_and_disclosure_records")]

    operations = [migrations.RunPython(seed, unseed)]
