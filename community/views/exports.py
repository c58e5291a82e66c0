"""The /me/export/ page: ask for a copy of your data, watch it being prepared, download it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from community import export_selectors, export_services
from community.export_api import download_response


def _page(request, *, refusal: str = "", status: int = 200) -> HttpResponse:
    export = export_selectors.latest_data_export_for(request.user)
    context = {
        "export": export,
        "step_label": export_selectors.section_label(export.step) if export else "",
        "refusal": refusal,
        "available_hours": export_services.available_hours(),
        "sections": export_selectors.SECTIONS,
    }
    response = render(request, "community/me_export.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def me_export(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    try:
        export_services.data_export_request(actor=request.user)
    except export_services.DataExportRateLimited as error:
        response = _page(request, refusal=str(error), status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    except export_services.DataExportRefused as error:
        return _page(request, refusal=str(error), status=403)
    return redirect("me-export")


@login_required
@require_GET
def me_export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    filename, data = export_services.data_export_download(actor=request.user, export_id=export_id)
    return download_response(filename, data)
