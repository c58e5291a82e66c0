"""REST endpoints of the review dashboard (under /api/v1/moderation/; see
moderation/dashboard_api.py). Ids are matched as text so that junk and out-of-range ones get the
API's JSON 404."""

from django.urls import path

from moderation import dashboard_api as api

ITEM = "queue/<str:item_id>/"

urlpatterns = [
    path("queue/", api.QueueView.as_view(), name="api-moderation-queue"),
    # Before ITEM, which would otherwise read "bulk" as an (unknown) item id.
    path("queue/bulk/", api.BulkView.as_view(), name="api-moderation-queue-bulk"),
    path(ITEM, api.QueueItemView.as_view(), name="api-moderation-queue-item"),
    path(f"{ITEM}claim/", api.ClaimView.as_view(), name="api-moderation-claim"),
    path(f"{ITEM}release/", api.ReleaseView.as_view(), name="api-moderation-release"),
    path(f"{ITEM}resolve/", api.ResolveView.as_view(), name="api-moderation-resolve"),
    path(f"{ITEM}approve/", api.ApproveView.as_view(), name="api-moderation-approve"),
    path(f"{ITEM}remove/", api.RemoveView.as_view(), name="api-moderation-remove"),
    path(f"{ITEM}restore/", api.RestoreView.as_view(), name="api-moderation-restore"),
    path(f"{ITEM}sanction/", api.SanctionView.as_view(), name="api-moderation-sanction"),
    path(f"{ITEM}notes/", api.NotesView.as_view(), name="api-moderation-notes"),
    path(f"{ITEM}support/", api.SupportView.as_view(), name="api-moderation-support"),
    path(
        f"{ITEM}crisis/signpost/",
        api.CrisisSignpostView.as_view(),
        name="api-moderation-crisis-signpost",
    ),
    path(
        f"{ITEM}crisis/follow-up/",
        api.CrisisFollowUpView.as_view(),
        name="api-moderation-crisis-follow-up",
    ),
    path(
        f"{ITEM}crisis/escalate/",
        api.CrisisEscalateView.as_view(),
        name="api-moderation-crisis-escalate",
    ),
    path(f"{ITEM}appeal/", api.AppealDecisionView.as_view(), name="api-moderation-appeal"),
    path("templates/", api.TemplatesView.as_view(), name="api-moderation-templates"),
    path(
        "templates/<str:template_id>/",
        api.TemplateView.as_view(),
        name="api-moderation-template",
    ),
    path("health/", api.HealthView.as_view(), name="api-moderation-health"),
]
