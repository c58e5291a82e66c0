"""The review dashboard's other pages: queue health, the audit log and the message templates.

Thin, like every door: each page reads through `moderation.queue_health` or
`moderation.queue_selectors` and each form calls one `moderation.dashboard_services` function,
then shows its result or its error. Moderators and facilitators may open the health page
(facilitators see only their groups); the audit log and the templates are for moderators only.
Everyone else gets the same 404 as for a page that does not exist. Nothing here changes the
audit log: its page only reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from community.ids import not_found
from moderation import dashboard_services, permissions, queue_health, queue_selectors
from moderation.models import ReplyTemplate
from moderation.page_forms import AuditFilterForm, ReplyTemplateForm
from moderation.pages import moderator_page, render_moderation_page

HEALTH_DAYS = 7


def moderators_only(view: Callable) -> Callable:
    """A moderator page that facilitators may not open either (the audit log, templates)."""

    @moderator_page
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not permissions.is_moderator(request.user):
            raise not_found()
        return view(request, *args, **kwargs)

    return wrapper


def _page_base(**params) -> str:
    """The start of a pagination link: "?" or "?member=Sky&"."""
    query = urlencode({key: value for key, value in params.items() if value})
    return f"?{query}&" if query else "?"


# --- queue health ------------------------------------------------------------------------------

BAND_LABELS = {
    queue_health.URGENT: gettext_lazy("Urgent crisis"),
    queue_health.CONCERN: gettext_lazy("Crisis concern"),
    queue_health.REPORTS: gettext_lazy("Reports"),
    queue_health.HOLDS: gettext_lazy("Held, appeals and other reviews"),
}


@dataclass(frozen=True)
class BandRow:
    band: str
    label: str
    open: int
    overdue: int


@dataclass(frozen=True)
class TimingRow:
    label: str
    median: str
    p90: str
    count: int


def _thresholds_in_words() -> str:
    minutes = settings.MODERATION_AGEING_URGENT_MINUTES
    hours = settings.MODERATION_AGEING_OTHER_HOURS
    urgent = ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    other = ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return _(
        "An urgent crisis item is overdue once it has waited more than %(urgent)s; "
        "everything else once it has waited more than %(other)s."
    ) % {"urgent": urgent, "other": other}


@moderator_page
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Open items per priority band with those overdue, waiting times over the last week, and
    the last two weeks as a chart and a table. Facilitators see only their groups."""
    actor = request.user
    counts = queue_health.open_counts(actor=actor)
    stats = queue_health.timing_stats(days=HEALTH_DAYS, actor=actor)
    series = queue_health.daily_series(actor=actor)
    duration = queue_health.human_duration
    return render_moderation_page(
        request,
        "moderation/health.html",
        {
            "counts": counts,
            "bands": [
                BandRow(
                    band=band,
                    label=str(BAND_LABELS[band]),
                    open=counts.open[band],
                    overdue=counts.overdue[band],
                )
                for band in queue_health.BANDS
            ],
            "stats": stats,
            "timings": [
                TimingRow(
                    label=_("Time to first action"),
                    median=duration(stats.first_action_median),
                    p90=duration(stats.first_action_p90),
                    count=stats.first_action_count,
                ),
                TimingRow(
                    label=_("Time to resolution"),
                    median=duration(stats.resolution_median),
                    p90=duration(stats.resolution_p90),
                    count=stats.resolution_count,
                ),
            ],
            "series": series,
            "chart": queue_health.queue_chart_svg(series, id_prefix="health-chart"),
            "thresholds": _thresholds_in_words(),
            "scoped": not permissions.is_moderator(actor),
        },
    )


# --- the audit log -----------------------------------------------------------------------------

# The selector names the action filter "verb"; the form calls it "action".
AUDIT_FIELD_NAMES = {"verb": "action"}


@moderators_only
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, filtered by who acted, whom it concerned and the action.
    Read-only: nothing on this page changes the log."""
    form = AuditFilterForm(request.GET)
    form.is_valid()  # every field is optional text; audit_log judges the values
    try:
        rows = queue_selectors.audit_log(request.user, **form.values())
    except queue_selectors.QueueFilterInvalid as invalid:
        form.add_error(AUDIT_FIELD_NAMES.get(invalid.field, invalid.field), str(invalid))
        return render_moderation_page(
            request, "moderation/audit.html", {"form": form, "page": None}, status=400
        )
    page = Paginator(rows, queue_selectors.AUDIT_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render_moderation_page(
        request,
        "moderation/audit.html",
        {
            "form": form,
            "page": page,
            "filtered": any(form.as_params().values()),
            "page_base": _page_base(**form.as_params()),
        },
    )


# --- message templates -------------------------------------------------------------------------


@moderators_only
@require_GET
def templates_list(request: HttpRequest) -> HttpResponse:
    """Every removal reason and supportive message, offered on the dashboard or not."""
    templates = list(queue_selectors.reply_templates(request.user, include_inactive=True))
    return render_moderation_page(
        request,
        "moderation/templates_list.html",
        {
            "sections": [
                (
                    kind,
                    label,
                    [template for template in templates if template.kind == kind],
                )
                for kind, label in ReplyTemplate.Kind.choices
            ],
        },
    )


def _template_form_page(
    request: HttpRequest, form: ReplyTemplateForm, template: ReplyTemplate | None, *, status=200
) -> HttpResponse:
    return render_moderation_page(
        request,
        "moderation/template_form.html",
        {"form": form, "template": template},
        status=status,
    )


def _save_template(
    request: HttpRequest, form: ReplyTemplateForm, template: ReplyTemplate | None
) -> HttpResponse:
    """Save through the service; a refusal is shown next to its field with the text kept."""
    if form.is_valid():
        try:
            saved = dashboard_services.reply_template_save(
                actor=request.user, template=template, **form.values()
            )
        except ValidationError as error:
            form.add_validation_error(error)
        except PermissionDenied:
            raise not_found() from None
        else:
            messages.success(
                request, _("The template “%(title)s” is saved.") % {"title": saved.title}
            )
            return redirect("moderation:templates")
    return _template_form_page(request, form, template, status=400)


@moderators_only
@require_http_methods(["GET", "POST"])
def template_new(request: HttpRequest) -> HttpResponse:
    """Write a new template; `?kind=removal` or `?kind=support` picks its kind."""
    if request.method == "POST":
        return _save_template(request, ReplyTemplateForm(request.POST), None)
    kind = request.GET.get("kind", "")
    initial = {
        "kind": kind if kind in ReplyTemplate.Kind.values else ReplyTemplate.Kind.REMOVAL,
        "is_active": True,
        "order": 0,
    }
    return _template_form_page(request, ReplyTemplateForm(initial=initial), None)


@moderators_only
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    template = queue_selectors.get_reply_template_for(request.user, template_id)
    if request.method == "POST":
        return _save_template(request, ReplyTemplateForm(request.POST), template)
    form = ReplyTemplateForm(initial=ReplyTemplateForm.initial_for(template))
    return _template_form_page(request, form, template)


@moderators_only
@require_http_methods(["GET", "POST"])
def template_delete(request: HttpRequest, template_id: int) -> HttpResponse:
    """Ask first; delete on POST. Messages already sent keep their own text."""
    template = queue_selectors.get_reply_template_for(request.user, template_id)
    if request.method == "POST":
        try:
            dashboard_services.reply_template_delete(actor=request.user, template=template)
        except PermissionDenied:
            raise not_found() from None
        messages.success(
            request, _("The template “%(title)s” is deleted.") % {"title": template.title}
        )
        return redirect("moderation:templates")
    return render_moderation_page(
        request, "moderation/template_delete.html", {"template": template}
    )
