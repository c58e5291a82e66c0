"""Logging filters that keep what members write out of log files.

Django's template engine logs, at DEBUG, every variable it cannot resolve together with the
exception, whose text is the whole template context: the thread being read, the words searched
for, a signpost. That is mental-health data, so the traceback is dropped and only the one-line
message (variable and template names) is kept, at any log level."""

import logging


class DropTemplateContext(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
