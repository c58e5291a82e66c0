"""The review dashboard's pages, under /moderation/: the queue and its items
(`queue_urls`), and the health, audit and template pages (`page_urls`)."""

from moderation import page_urls, queue_urls

app_name = "moderation"

urlpatterns = [*queue_urls.urlpatterns, *page_urls.urlpatterns]
