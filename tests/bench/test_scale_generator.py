"""The benchmark's scale generator makes what it says, readable and with a valid audit chain."""

from __future__ import annotations

import pytest

from bench import scale
from utvei.audit.services import verify_chain
from utvei.cases.models import Case, Person, TeamMember
from utvei.contacts.models import Conversation
from utvei.core.crypto import Unreadable
from utvei.plans.models import Goal, Measure, Plan
from utvei.sharing.models import ConsentGrant

pytestmark = pytest.mark.django_db


def test_three_cases_with_their_rows_and_a_chain_that_verifies(demo: dict[str, object]) -> None:
    before = Case.objects.count()
    template = Case.objects.get(person__given_name="Jonas", person__family_name="Berg")
    made = scale.generate(cases=3, conversations=12, audit_per_case=25, batch=2)

    new = Case.objects.filter(reference__startswith="UTV-SKALA-").select_related("person")
    assert Case.objects.count() == before + 3 == before + made.cases
    assert made.audit_events == 75
    for case in new:
        assert Conversation.objects.filter(case=case).count() == 12
        assert TeamMember.objects.filter(case=case).count() == TeamMember.objects.filter(case=template).count()
        assert Plan.objects.filter(case=case).count() == 1
        assert Goal.objects.filter(case=case).count() == Goal.objects.filter(case=template).count() > 0
        assert Measure.objects.filter(case=case).count() == Measure.objects.filter(case=template).count() > 0
        grants = ConsentGrant.objects.filter(person=case.person)
        assert grants.count() == ConsentGrant.objects.filter(person=template.person).count() > 0
        assert {g.consent.person_id for g in grants} == {case.person_id}
        # Sealed again under the new person's own key and row: every value opens.
        assert case.person.data_key != template.person.data_key
        assert not isinstance(case.referral_reason, Unreadable)
        assert case.referral_reason == template.referral_reason
        assert len(str(case.person.national_id)) == 11
        notes = [c.notes for c in Conversation.objects.filter(case=case)]
        assert notes and not any(isinstance(n, Unreadable) for n in notes)
    assert Person.objects.exclude(national_id_index="").filter(cases__in=new).count() == 3
    result = verify_chain()
    assert result.first_break is None


def test_each_seat_is_held_by_a_worker_with_a_real_caseload(
    demo: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    from utvei.accounts.models import Membership
    from utvei.audit.models import AuditEntry

    monkeypatch.setattr(scale, "CASELOAD", 2)
    template = Case.objects.get(person__given_name="Jonas", person__family_name="Berg")
    seats = list(TeamMember.objects.filter(case=template).values_list("user_id", "organisation_id", "role"))
    scale.generate(cases=5, conversations=3, audit_per_case=len(seats), batch=2)

    new = list(Case.objects.filter(reference__startswith="UTV-SKALA-").order_by("reference"))
    holders = [
        sorted(TeamMember.objects.filter(case=case).values_list("user_id", "organisation_id", "role")) for case in new
    ]
    # Cases 0-1 go to the demo's users, 2-3 to one set of new workers, 4 to another.
    assert holders[0] == holders[1] == sorted(seats)
    assert holders[2] == holders[3] != holders[0]
    assert holders[4] not in (holders[0], holders[2])
    for user_id, organisation_id, role in holders[4]:
        assert Membership.objects.filter(user_id=user_id, organisation_id=organisation_id, role=role).exists()
        # The rows written by a seat holder name the new worker, the audit events too.
        assert AuditEntry.objects.filter(case_id=new[4].pk, actor_id=user_id).exists()
    assert {c.recorded_by_id for c in Conversation.objects.filter(case=new[4])} <= {u for u, _, _ in holders[4]}
    assert verify_chain().first_break is None
