"""The ``|bdi`` and ``|isolate`` filters, built into every template (``web/settings.py``)."""

from __future__ import annotations

from django import template

from kinfolk.web import bidi as _bidi

register = template.Library()
register.filter("bdi", _bidi.bdi, is_safe=True)
register.filter("isolate", _bidi.isolate)
