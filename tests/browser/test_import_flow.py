"""The people import in Chromium: upload, correct the mapping, preview, commit, invite.

The live server's task backend only records each job (django-tasks' dummy
backend); the test plays the worker, so the page is seen polling its progress
and reloading itself when a job is done.  Screenshots at 1280 and 360 px wide.
"""

from __future__ import annotations

import re

import pytest

from kinfolk.imports import inviting, running
from kinfolk.imports.models import PeopleImport
from kinfolk.outbox.models import Message
from kinfolk.people.models import Household
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)

# Amira has a mobile number and no e-mail address: her invitation goes by text message.
FILE = (
    "Ref;Prénom;Nom;Courriel;Wohnort;Langues;Availability;Religion;Téléphone\n"
    "H1;Amira;Haddad;;Leeds;ar:fluent;sat-am;x;0113 496 0000\n"
    "H2;王秀英;Wang;wang@example.org;Leeds;zh:fluent;sun-pm;x;\n"
    "H3;Алёна;Orlova;alena@example.org;Newport;ru:fluent;mon-eve;x;\n"
    "H4;Sam;Jones;sam@example.org;Leeds;english;tue-am;x;\n"
)


def _shots(page, screenshot, name):
    screenshot(f"{name}-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    screenshot(f"{name}-360")
    page.set_viewport_size({"width": 1280, "height": 900})


def _upload_and_map(page, live_server, programme, screenshot, tmp_path):
    page.click("nav.actions >> text=Import")
    page.wait_for_url(f"**/p/{programme.pk}/imports/")
    _shots(page, screenshot, "import-01-upload")
    upload = tmp_path / "households.csv"
    upload.write_bytes(FILE.encode("utf-8-sig"))
    page.select_option("select[name=side]", "household")
    page.set_input_files("input[name=file]", str(upload))
    page.click("main form button:has-text('Upload')")
    page.wait_for_url(re.compile(r".*/imports/\d+/$"))
    assert "Religion" in page.inner_text("#refused")
    assert "UTF-8, separated by semicolons" in page.inner_text("main")
    _shots(page, screenshot, "import-02-mapping")
    # "Wohnort" is not guessed: the coordinator maps it to the town.
    page.select_option("#mapping select >> nth=4", "town")
    page.click("#mapping button:has-text('Check every row')")
    page.wait_for_selector("#import-progress")
    return PeopleImport.objects.get()


def _play_worker(page, job, made, selector):
    job(made.pk)
    page.wait_for_selector(selector)


def test_an_import_from_upload_to_invitations(
    page, live_server, settings, programme, coordinator, screenshot, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_as(page, live_server, coordinator)
    page.wait_for_url(re.compile(r".*/p/.*"))
    made = _upload_and_map(page, live_server, programme, screenshot, tmp_path)
    _shots(page, screenshot, "import-03-checking")

    _play_worker(page, lambda pk: running.import_preview(import_id=pk), made, "#counts")
    assert page.inner_text("#count-new") == "2" and page.inner_text("#count-invalid") == "2"
    problems = page.inner_text("#problems")
    assert "names 2 towns: Newport" in problems and "english" in problems
    _shots(page, screenshot, "import-04-preview")

    page.click("#counts button:has-text('Import the 2 valid changes')")
    page.wait_for_selector("#import-progress")
    _play_worker(page, lambda pk: running.import_commit(import_id=pk), made, "#invitations")
    names = set(Household.objects.filter(state="invited").values_list("first_name", flat=True))
    assert names == {"Amira", "王秀英"}
    _shots(page, screenshot, "import-05-committed")

    assert page.inner_text("#count-taking-part") == "0"
    assert page.inner_text("#count-by-sms") == "1"
    page.click("#invitations button:has-text('Send 2 invitations')")
    page.wait_for_selector("#import-progress")
    _play_worker(
        page,
        lambda pk: inviting.invitations_send(import_id=pk, by_id=coordinator.pk),
        made,
        "#count-invited:has-text('2')",
    )
    sent = Message.objects.filter(purpose="invitation")
    assert sorted(sent.values_list("channel", "to")) == [
        ("email", "wang@example.org"),
        ("sms", "+441134960000"),
    ]
    assert "Everyone with an e-mail address or a mobile number has been invited" in (
        page.inner_text("#invitations")
    )
    _shots(page, screenshot, "import-06-invited")
