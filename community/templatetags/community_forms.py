"""Form fields that tell assistive technology about their hints and errors."""

from django import template
from django.forms import BoundField

register = template.Library()


@register.simple_tag
def field_widget(field: BoundField) -> str:
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_errors")
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.field.required:
        attrs["required"] = True
    return field.as_widget(attrs=attrs)
