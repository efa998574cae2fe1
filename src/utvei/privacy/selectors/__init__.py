"""Reads of the privacy app: the officer's audit search, the person's access log and the copy of their data.

All of them read the audit log, which holds ids and codes only; names of users, organisations, persons and
case references are looked up once per page, so a page costs the same few queries at any size of the log.
"""

from utvei.privacy.selectors.access_log import (
    AccessLine,
    AccessLogPage,
    DisclosureLine,
    ExceptionLine,
    PersonAccessLog,
    access_log_page,
    exception_form_data,
    exception_lines,
    person_access_log,
    request_case,
)
from utvei.privacy.selectors.audit_log import (
    AuditExport,
    AuditLine,
    AuditQuery,
    AuditSearchPage,
    PersonHit,
    audit_export,
    audit_lines,
    audit_search,
    organisation_choices,
)
from utvei.privacy.selectors.data_copy import (
    CopySection,
    HeldElsewhere,
    PersonDataCopy,
    RetentionLine,
    data_copy_json,
    person_data_copy,
)
from utvei.privacy.selectors.erasure import (
    ErasureFormData,
    ErasureQueue,
    erasure_form_data,
    erasure_may_file,
    erasure_queue,
    erasure_request_get,
)
from utvei.privacy.selectors.grants import GrantLine, grant_for_review, grant_queue, own_live_grants

__all__ = [
    "AccessLine",
    "AccessLogPage",
    "AuditExport",
    "AuditLine",
    "AuditQuery",
    "AuditSearchPage",
    "CopySection",
    "DisclosureLine",
    "ErasureFormData",
    "ErasureQueue",
    "ExceptionLine",
    "GrantLine",
    "HeldElsewhere",
    "PersonAccessLog",
    "PersonDataCopy",
    "PersonHit",
    "RetentionLine",
    "access_log_page",
    "audit_export",
    "audit_lines",
    "audit_search",
    "data_copy_json",
    "erasure_form_data",
    "erasure_may_file",
    "erasure_queue",
    "erasure_request_get",
    "exception_form_data",
    "exception_lines",
    "grant_for_review",
    "grant_queue",
    "organisation_choices",
    "own_live_grants",
    "person_access_log",
    "person_data_copy",
    "request_case",
]
