from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from community import account_api, api, export_api, token_views
from community.forms import ThrottledAdminLoginForm
from community.views import accounts, exports, health, pages
from moderation import api as moderation_api
from moderation import member_api

admin.site.login_form = ThrottledAdminLoginForm
admin.site.site_header = "Steady Ground administration"
admin.site.site_title = "Steady Ground admin"
admin.site.index_title = "Administration"

account_patterns = [
    path("signup/", accounts.signup, name="signup"),
    path("login/", accounts.ThrottledLoginView.as_view(), name="login"),
    path("logout/", accounts.sign_out, name="logout"),
    path("password/change/", accounts.password_change, name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

moderation_router = SimpleRouter()
moderation_router.register(
    "moderation/log", moderation_api.ModerationLogViewSet, basename="api-moderation-log"
)

api_patterns = [
    *moderation_router.urls,
    path("help/", api.CrisisHelpView.as_view(), name="api-help"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("me/about/", api.MeAboutView.as_view(), name="api-me-about"),
    path("me/tokens/", include("community.token_urls")),
    path("me/logout/", account_api.SignOutView.as_view(), name="api-me-logout"),
    path("me/password/", account_api.PasswordChangeView.as_view(), name="api-me-password"),
    path("me/delete/", account_api.AccountDeleteView.as_view(), name="api-me-delete"),
    path("me/exports/", export_api.DataExportListView.as_view(), name="api-me-exports"),
    path(
        "me/exports/<int:export_id>/",
        export_api.DataExportDetailView.as_view(),
        name="api-me-export",
    ),
    path(
        "me/exports/<int:export_id>/download/",
        export_api.DataExportDownloadView.as_view(),
        name="api-me-export-download",
    ),
    path("me/", include("moderation.member_api_urls")),
    path("me/mood/", include("community.mood_api_urls")),
    path("me/", include("community.journal_api_urls")),
    path("me/self-check/", include("community.selfcheck_api_urls")),
    path(
        "moderation/appeals/",
        member_api.ModerationAppealsView.as_view(),
        name="api-moderation-appeals",
    ),
    path(
        "moderation/appeals/<int:appeal_id>/decide/",
        member_api.AppealDecideView.as_view(),
        name="api-moderation-appeal-decide",
    ),
    path("moderation/", include("moderation.dashboard_api_urls")),
    path("", include("groups.api_urls")),
    path("", include("community.forum_api_urls")),
    path("", include("community.story_api_urls")),
]

urlpatterns = [
    path("", pages.home, name="home"),
    path("help/", pages.crisis_help, name="help"),
    path("guidelines/", pages.guidelines, name="guidelines"),
    path("privacy/", pages.privacy, name="privacy"),
    path("me/", accounts.me, name="me"),
    path("me/about/", accounts.me_about, name="me-about"),
    path("me/tokens/", token_views.api_tokens, name="me-tokens"),
    path("me/delete/", accounts.account_delete, name="me-delete"),
    path("me/export/", exports.me_export, name="me-export"),
    path(
        "me/export/<int:export_id>/download/",
        exports.me_export_download,
        name="me-export-download",
    ),
    path("me/moderation/", include("moderation.member_urls")),
    path("me/mood/", include("community.mood_urls")),
    path("me/journal/", include("community.journal_urls")),
    path("me/milestones/", include("community.milestone_urls")),
    path("me/self-check/", include("community.selfcheck_urls")),
    path("moderation/", include("moderation.urls")),
    path("", include("community.forum_urls")),
    path("", include("community.story_urls")),
    path("groups/", include("groups.urls")),
    path("accounts/", include(account_patterns)),
    path("api/v1/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler400 = "community.api_errors.handler400"
handler404 = "community.api_errors.handler404"
handler500 = "community.api_errors.handler500"
