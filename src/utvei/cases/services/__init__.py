"""Writes to persons and cases. Each checks the access policy and writes its audit row in one transaction."""

from utvei.cases.services._common import TEAM_ROLES, acting_organisation, lock_case_for_update
from utvei.cases.services.cases import (
    HandoverInput,
    case_change_phase,
    case_close,
    case_open,
    case_record_police_not_involved,
    referral_register,
)
from utvei.cases.services.concerns import (
    COMPLETABLE_FIELDS,
    concern_create,
    escalation_complete,
    escalation_record,
)
from utvei.cases.services.erasure import person_data_key_destroy
from utvei.cases.services.items import case_advice_add, relapse_record, task_complete, task_correct, task_create
from utvei.cases.services.persons import GuardianInput, normalise_national_id, person_correct_contact, person_create
from utvei.cases.services.receipts import escalation_receipt_record
from utvei.cases.services.retention import concern_purge, person_anonymise, persons_due_for_anonymisation
from utvei.cases.services.revisions import revision_apply, revisions_erase
from utvei.cases.services.team import (
    team_member_add,
    team_member_change,
    team_member_end,
    team_member_remove,
    team_member_set_task,
)

__all__ = [
    "COMPLETABLE_FIELDS",
    "TEAM_ROLES",
    "GuardianInput",
    "HandoverInput",
    "acting_organisation",
    "case_advice_add",
    "case_change_phase",
    "case_close",
    "case_open",
    "case_record_police_not_involved",
    "concern_create",
    "concern_purge",
    "escalation_complete",
    "escalation_receipt_record",
    "escalation_record",
    "lock_case_for_update",
    "normalise_national_id",
    "person_anonymise",
    "person_correct_contact",
    "person_create",
    "persons_due_for_anonymisation",
    "person_data_key_destroy",
    "referral_register",
    "relapse_record",
    "revision_apply",
    "revisions_erase",
    "task_complete",
    "task_correct",
    "task_create",
    "team_member_add",
    "team_member_change",
    "team_member_end",
    "team_member_remove",
    "team_member_set_task",
]
