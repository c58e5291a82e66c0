"""Public pages: home, community guidelines, privacy, crisis help."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from community import forum_selectors, selectors, story_selectors
from community.forms import HelpCountryForm

HOME_RECENT_THREADS = 5
HOME_FEATURED_STORIES = 3


def home(request: HttpRequest) -> HttpResponse:
    recent = forum_selectors.recent_threads(request.user, limit=HOME_RECENT_THREADS)
    featured = story_selectors.featured_stories(request.user, limit=HOME_FEATURED_STORIES)
    return render(
        request,
        "community/home.html",
        {"recent_threads": recent, "featured_stories": featured},
    )


def guidelines(request: HttpRequest) -> HttpResponse:
    return render(request, "community/guidelines.html")


def privacy(request: HttpRequest) -> HttpResponse:
    """What we store, who can see it, how long we keep it, and how to take it or delete it."""
    return render(request, "community/privacy.html", {"retention_days": settings.RETENTION_DAYS})


def crisis_help(request: HttpRequest) -> HttpResponse:
    member = request.user if request.user.is_authenticated else None
    help_ = selectors.crisis_help_for_member(
        member,
        requested=request.GET.get("country"),
        accept_language=request.headers.get("Accept-Language", ""),
    )
    form = HelpCountryForm(initial={"country": help_.country_code})
    return render(
        request,
        "community/help.html",
        {
            "help": help_,
            "form": form,
            "directory": selectors.countries_with_help(),
        },
    )
