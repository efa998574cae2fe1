"""Seed the catalogue of conversation methods.

The guidance is written for Utvei in its own words; ``source`` names the material each method is based on.
Entries stay editable data: a later change is a new data migration or an edit in the database, and an
entry is retired by ``is_active = False`` (conversations keep their reference).
"""

from django.db import migrations

METHODS = [
    {
        "code": "samtaleverktoy",
        "name_nb": "Samtaleverktøyet i nasjonal veileder",
        "name_en": "The national guide's conversation tool",
        "source": (
            "Nasjonal veileder for forebygging av radikalisering og voldelig ekstremisme – Samtaleverktøy "
            "(regjeringen.no)"
        ),
        "guidance_nb": (
            "Bruk samtalen til å forstå om, og eventuelt hvor langt, personen er inne i en radikaliseringsprosess, "
            "og vurder deretter sammen med andre hva som trengs og hvem som bør følge opp. "
            "Forbered deg: finn ut hva som er kjent om familie og nettverk, og avklar hvem som bør være med, for "
            "eksempel foreldre, barneverntjenesten, en person vedkommende stoler på, eller tolk. "
            "Still åpne spørsmål om hverdagen, relasjoner og det personen er opptatt av, og la personen fortelle "
            "med egne ord. "
            "Lytt etter hatretorikk, hvor sterk aggresjonen er, om vold blir akseptert eller forsvart, og etter "
            "risikofaktorer og beskyttende faktorer. "
            "Ikke gå inn i en ideologisk diskusjon; vis interesse for mennesket også når du er uenig i "
            "synspunktene. "
            "Vær tydelig på ditt mandat, på taushetsplikten og på når du har plikt til å melde fra eller avverge. "
            "Avslutt med å avtale ett konkret neste steg."
        ),
        "guidance_en": (
            "Use the conversation to understand whether, and if so how far, the person is in a radicalisation "
            "process, and then assess with others what is needed and who should follow up. "
            "Prepare: find out what is known about family and network, and decide who should attend, such as "
            "parents, the child welfare service, a person the individual trusts, or an interpreter. "
            "Ask open questions about daily life, relationships and what matters to the person, and let them tell "
            "it in their own words. "
            "Listen for hateful rhetoric, the level of aggression, whether violence is accepted or defended, and "
            "for risk factors and protective factors. "
            "Do not enter an ideological debate; show interest in the person even when you disagree with the "
            "views. "
            "Be clear about your mandate, your duty of confidentiality and when you are obliged to report or avert. "
            "End by agreeing on one concrete next step."
        ),
    },
    {
        "code": "endring-gjennom-samtale",
        "name_nb": "Endring gjennom samtale (utveier.no)",
        "name_en": "Change through conversation (utveier.no)",
        "source": "utveier.no – Hvordan endre gjennom samtale / samtalemetodikk (RVTS)",
        "guidance_nb": (
            "Målet er å hjelpe personen å finne sine egne grunner til å bevege seg bort fra voldelig ekstremisme, "
            "ikke å overtale. "
            "Bygg tillit først: vær forutsigbar, hold avtaler, og si tidlig hva du kan og ikke kan holde for deg "
            "selv. "
            "Utforsk hva miljøet gir personen – tilhørighet, mening, status eller beskyttelse – og hva det koster. "
            "Lytt etter tvil og motstridende følelser, og still spørsmål som hjelper personen å sette ord på dem. "
            "Unngå å argumentere direkte mot ideologien; det får ofte folk til å forsvare den enda sterkere. "
            "Gi rom for personens egne ord og mål, og skriv dem ned slik personen sier dem. "
            "Avtal små, konkrete skritt som kan lykkes, og følg dem opp neste gang."
        ),
        "guidance_en": (
            "The aim is to help the person find their own reasons to move away from violent extremism, not to "
            "persuade them. "
            "Build trust first: be predictable, keep appointments, and say early on what you can and cannot keep "
            "to yourself. "
            "Explore what the milieu gives the person – belonging, meaning, status or protection – and what it "
            "costs them. "
            "Listen for doubt and mixed feelings, and ask questions that help the person put them into words. "
            "Avoid arguing directly against the ideology; it often makes people defend it even harder. "
            "Leave room for the person's own words and goals, and record them as the person puts them. "
            "Agree on small, concrete steps that can succeed, and follow them up next time."
        ),
    },
    {
        "code": "motiverende-samtale",
        "name_nb": "Motiverende samtale (MI)",
        "name_en": "Motivational interviewing (MI)",
        "source": "Motiverende samtale / motivational interviewing (W. R. Miller og S. Rollnick) – generell metode",
        "guidance_nb": (
            "Motiverende samtale er en samarbeidende samtaleform som styrker personens egen motivasjon for endring. "
            "Bruk åpne spørsmål, bekreftelser, refleksjoner og oppsummeringer. "
            "Lytt etter endringssnakk – ønsker, grunner, behov og tro på at endring er mulig – og be personen si "
            "mer om det. "
            "Møt motstand uten å konfrontere, og utforsk heller ambivalensen: det som trekker begge veier. "
            "Respekter at det er personen som bestemmer, og spør om lov før du gir råd eller informasjon. "
            "Hjelp personen å velge et lite første skritt, og snakk om hvor viktig og hvor gjennomførbart det "
            "kjennes. "
            "Metoden erstatter ikke vurderingen av risiko: vær tydelig på mandat, taushetsplikt og meldeplikt."
        ),
        "guidance_en": (
            "Motivational interviewing is a collaborative way of talking that strengthens the person's own "
            "motivation to change. "
            "Use open questions, affirmations, reflections and summaries. "
            "Listen for change talk – wishes, reasons, needs and belief that change is possible – and invite the "
            "person to say more. "
            "Meet resistance without confrontation, and explore the ambivalence instead: what pulls both ways. "
            "Respect that the person decides, and ask permission before giving advice or information. "
            "Help the person choose a small first step, and talk about how important and how achievable it feels. "
            "The method does not replace assessing risk: be clear about your mandate, confidentiality and duty to "
            "report."
        ),
    },
]


def seed(apps, schema_editor):
    ConversationMethod = apps.get_model("contacts", "ConversationMethod")
    for entry in METHODS:
        values = {k: v for k, v in entry.items() if k != "code"}
        ConversationMethod.objects.update_or_create(code=entry["code"], defaults=values)


def unseed(apps, schema_editor):
    ConversationMethod = apps.get_model("contacts", "ConversationMethod")
    Conversation = apps.get_model("contacts", "Conversation")
    used = Conversation.objects.filter(method__isnull=False).values_list("method_id", flat=True)
    ConversationMethod.objects.filter(code__in=[m["code"] for m in METHODS]).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
