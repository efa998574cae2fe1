"""The data protection officer's view of the audit log."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from utvei.access.decorators import requires
from utvei.access.permissions import Perm
from utvei.audit import selectors
from utvei.core.http import AuthedRequest


@requires(Perm.AUDIT_READ)
@require_GET
def entry_list_view(request: AuthedRequest) -> HttpResponse:
    """List the newest audit entries of the officer's organisations."""
    entries = selectors.audit_entry_list(actor=request.user)
    return render(request, "audit/entry_list.html", {"entries": entries})
