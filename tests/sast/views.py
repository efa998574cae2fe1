# Examples for `semgrep --test`: each `ruleid:` line must be found by that rule, each `ok:` line not.
# Not imported or run; excluded from ruff and mypy.
from django.db import connection
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt

from utvei.access.decorators import login_step, public, requires


# ruleid: utvei-view-without-policy-marker
def unmarked_view(request, name):
    # ruleid: utvei-mark-safe-on-variable
    return mark_safe(name)


# ok: utvei-view-without-policy-marker
@public
def open_view(request):
    # ok: utvei-mark-safe-on-variable
    return mark_safe("<br>")


# ok: utvei-view-without-policy-marker
@login_step
def step_view(request):
    return None


# ok: utvei-view-without-policy-marker
@requires(Perm.CASE_VIEW)
def protected_view(request, case_id):
    with connection.cursor() as cursor:
        # ruleid: utvei-raw-sql-string-formatting
        cursor.execute(f"SELECT * FROM cases_case WHERE id = {case_id}")
        # ruleid: utvei-raw-sql-string-formatting
        cursor.execute("SELECT * FROM cases_case WHERE id = %s" % case_id)
        # ok: utvei-raw-sql-string-formatting
        cursor.execute("SELECT * FROM cases_case WHERE id = %s", [case_id])
    # ruleid: utvei-raw-sql-string-formatting
    return Case.objects.extra(where=[f"id = {case_id}"])


# ruleid: utvei-csrf-exempt
@csrf_exempt
# ok: utvei-view-without-policy-marker
@public
def exempt_view(request):
    return None


# ok: utvei-view-without-policy-marker
def _helper(request):
    return None
