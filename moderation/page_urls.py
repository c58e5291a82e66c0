"""The review dashboard's other pages, under /moderation/ in the `moderation` namespace: queue
health, the audit log (read-only: there is no address that changes it) and the message
templates."""

from django.urls import path

from moderation import page_views

urlpatterns = [
    path("health/", page_views.health, name="health"),
    path("audit/", page_views.audit, name="audit"),
    path("templates/", page_views.templates_list, name="templates"),
    path("templates/new/", page_views.template_new, name="template-new"),
    path("templates/<int:template_id>/", page_views.template_edit, name="template-edit"),
    path(
        "templates/<int:template_id>/delete/",
        page_views.template_delete,
        name="template-delete",
    ),
]
