"""The engine's field errors are codes; the web layer words them in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from kinfolk.engine import dictionary as dd
from kinfolk.web.field_errors import _WORDS, field_error_text


def test_every_engine_code_has_words():
    assert set(_WORDS) == set(dd.FIELD_ERRORS)


def test_the_engine_keeps_an_english_message_for_the_command_line():
    with pytest.raises(dd.FieldError) as caught:
        dd.parse_speaks("en:superb")
    assert caught.value.code == "level_unknown"
    assert caught.value.params["value"] == "superb"
    assert caught.value.message.startswith("'superb' is not a level")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "“xx-nope” is not a known language tag"),
        ("ar", "«xx-nope» ليس رمز لغة معروفًا"),
        ("zh-hans", "“xx-nope”不是已知的语言代码"),
    ],
)
def test_an_error_is_worded_in_the_active_language(language, expected):
    with pytest.raises(dd.FieldError) as caught:
        dd.parse_languages("xx-nope")
    with translation.override(language):
        assert field_error_text(caught.value).startswith(expected)


def test_a_profile_form_error_from_the_engine_reads_in_arabic(client, volunteer, volunteer_user):
    from django.urls import reverse

    from kinfolk.people.tests.test_profile import profile_data

    volunteer_user.language = "ar"
    volunteer_user.save(update_fields=["language"])
    client.force_login(volunteer_user)
    before = type(volunteer).objects.values().get(pk=volunteer.pk)
    url = reverse("people:volunteer_profile", args=[volunteer.pk])
    page = client.post(url, profile_data(blackout="2027-01-05..2027-01-01")).content.decode()
    assert "ينتهي قبل أن يبدأ" in page
    assert type(volunteer).objects.values().get(pk=volunteer.pk) == before
