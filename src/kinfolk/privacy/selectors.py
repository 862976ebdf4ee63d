from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kinfolk.privacy.models import ContactAccessLog


def contact_access_list(*, person: Any) -> QuerySet[ContactAccessLog]:
    """Who read this person's contact details, newest first."""
    return ContactAccessLog.objects.filter(person_kind=person._meta.model_name, person_id=person.pk)
