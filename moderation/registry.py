"""Every concrete kind of moderated content, found from the installed apps."""

from django.apps import apps

from moderation.models import ModeratedContent


def content_models() -> list[type[ModeratedContent]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, ModeratedContent) and not model._meta.abstract
    ]
