"""Placeholder: filled in with issue 7."""

urlpatterns: list = []
