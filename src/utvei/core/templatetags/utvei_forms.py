"""Template tags of form plumbing: the one-time token of a form and the version an edit form was loaded with."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from utvei.core.editing import BASE_FIELD, VERSION_FIELD, EditGuard
from utvei.core.idempotency import TOKEN_FIELD, issue_token

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context: template.Context) -> SafeString:
    """Render a hidden input with a fresh one-time token for the logged-in user (see core.idempotency)."""
    request = context["request"]
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, issue_token(request.user.pk))


@register.simple_tag
def edit_fields(edit: EditGuard) -> SafeString:
    """Render the hidden inputs that carry the version and values an edit form was loaded with."""
    return format_html(
        '<input type="hidden" name="{}" value="{}"><input type="hidden" name="{}" value="{}">',
        VERSION_FIELD,
        edit.hidden_version(),
        BASE_FIELD,
        edit.hidden_base(),
    )
