"""Consent wording, kept word for word: each change of wording is a new version.

A consent (``people.Consent``) points, through ``ConsentAgreement``, to the
``ConsentDocument`` its person saw, in the language they saw it in.  The
wording itself comes from ``kinfolk.people.forms.consent_text``; when it
changes (a new translation, a programme renamed, a new sentence), the next
consent creates the next version and the old ones stay as they were.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import get_language

from kinfolk.people.forms import consent_text
from kinfolk.people.models import Consent
from kinfolk.privacy.models import ConsentAgreement, ConsentDocument
from kinfolk.programmes.models import Programme


def consent_document_current(
    *, programme: Programme, purpose: str = "participation"
) -> ConsentDocument:
    """The version holding today's wording in the active language; a new one if it changed."""
    language = get_language() or "en"
    text = consent_text(programme)
    latest = (
        ConsentDocument.objects.filter(
            programme_id=programme.pk, purpose=purpose, language=language
        )
        .order_by("-version")
        .first()
    )
    if latest is not None and latest.text == text:
        return latest
    try:
        with transaction.atomic():
            version = (latest.version if latest else 0) + 1
            return ConsentDocument.objects.create(
                programme_id=programme.pk,
                purpose=purpose,
                language=language,
                version=version,
                text=text,
            )
    except IntegrityError:
        # Another request made the same version a moment ago.
        return consent_document_current(programme=programme, purpose=purpose)


def consent_document_attach(*, consent: Consent, programme: Programme) -> ConsentAgreement:
    """Record that ``consent`` agreed to the wording shown now."""
    document = consent_document_current(programme=programme, purpose=consent.purpose)
    agreement, _created = ConsentAgreement.objects.get_or_create(
        consent=consent, defaults={"document": document}
    )
    return agreement


def consent_history(*, consents: list[Consent]) -> list[dict[str, object]]:
    """Each consent with the exact words agreed to (for "My data" and its download)."""
    agreements = {
        a.consent_id: a.document
        for a in ConsentAgreement.objects.filter(consent__in=consents).select_related("document")
    }
    history = []
    for consent in consents:
        document = agreements.get(consent.pk)
        history.append(
            {
                "purpose": consent.purpose,
                "method": consent.get_method_display(),
                "given_at": consent.given_at,
                "withdrawn_at": consent.withdrawn_at,
                "wording_version": document.version if document else None,
                "wording_language": document.language if document else "",
                "wording": document.text if document else "",
            }
        )
    return history
