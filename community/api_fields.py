"""Serializer fields every API door shares."""

from rest_framework import serializers


class TextField(serializers.CharField):
    """A CharField that accepts only JSON strings: numbers, lists or booleans are refused
    rather than turned into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
