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
from utvei.cases.services.concerns import concern_create, escalation_record
from utvei.cases.services.erasure import person_data_key_destroy
from utvei.cases.services.items import case_advice_add, relapse_record, task_complete, task_create
from utvei.cases.services.persons import GuardianInput, normalise_national_id, person_create
from utvei.cases.services.team import team_member_add, team_member_remove, team_member_set_task

__all__ = [
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
    "escalation_record",
    "lock_case_for_update",
    "normalise_national_id",
    "person_create",
    "person_data_key_destroy",
    "referral_register",
    "relapse_record",
    "task_complete",
    "task_create",
    "team_member_add",
    "team_member_remove",
    "team_member_set_task",
]
