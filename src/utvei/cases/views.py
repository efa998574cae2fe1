"""Case pages. Thin: one selector or service call each."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from utvei.access.decorators import requires
from utvei.access.permissions import Perm
from utvei.cases import selectors
from utvei.core.http import AuthedRequest


@requires(Perm.CASE_VIEW)
@require_GET
def dashboard_view(request: AuthedRequest) -> HttpResponse:
    """This view will show the user's own cases, as the access policy gives them."""
    cases = selectors.case_list(actor=request.user)
    return render(request, "cases/dashboard.html", {"cases": cases})


@requires(Perm.CASE_VIEW)
@require_GET
def case_detail_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """This view will show one case the user is on the team of."""
    case, team = selectors.case_detail(actor=request.user, case_id=case_id)
    return render(request, "cases/case_detail.html", {"case": case, "team": team})
