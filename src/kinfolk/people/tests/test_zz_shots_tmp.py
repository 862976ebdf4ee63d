import pytest
from django.urls import reverse
from playwright.sync_api import sync_playwright


@pytest.mark.django_db(transaction=True)
def test_shots(live_server, settings):
    settings.DEBUG = True
    from kinfolk.testing import make_programme, make_user, make_volunteer, make_household
    from kinfolk.people.models import Consent
    from django.utils import timezone
    p = make_programme()
    u = make_user("vera@example.org", first_name="Vera", password="pw-a-long-one-ok")
    v = make_volunteer(p, user=u, state="approved", speaks="en:fluent;pl:conversational", learning="fr", offers="pets")
    cu = make_user("cora@example.org", first_name="Cora")
    hu = make_user("hana@example.org", first_name="Hana", password="pw-a-long-one-ok")
    h = make_household(p, users=(hu,), first_name="Hana")
    Consent.objects.create(household=h, method="paper", recorded_by=cu, given_at=timezone.now())
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, width in (("phone", 390), ("desk", 1100)):
            ctx = b.new_context(viewport={"width": width, "height": 800})
            page = ctx.new_page()
            page.goto(live_server.url + reverse("people:signup", args=[p.signup_token]))
            page.screenshot(path=f"/tmp/shot_signup_{name}.png", full_page=True)
            page.click("button[type=submit]")
            page.screenshot(path=f"/tmp/shot_signup_err_{name}.png", full_page=True)
            page.goto(live_server.url + "/accounts/login/")
            page.fill("input[name=username]", "vera@example.org")
            page.fill("input[name=password]", "pw-a-long-one-ok")
            page.click("button[type=submit]")
            page.goto(live_server.url + reverse("people:volunteer_home", args=[v.pk]))
            page.screenshot(path=f"/tmp/shot_vhome_{name}.png", full_page=True)
            page.goto(live_server.url + reverse("people:volunteer_profile", args=[v.pk]))
            page.fill("input[name=speaks]", "xx:fluent")
            page.click("form.profile-form button[type=submit]")
            page.screenshot(path=f"/tmp/shot_profile_{name}.png", full_page=True)
            ctx.close()
        ctx = b.new_context(viewport={"width": 390, "height": 800})
        page = ctx.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", "hana@example.org")
        page.fill("input[name=password]", "pw-a-long-one-ok")
        page.click("button[type=submit]")
        page.goto(live_server.url + reverse("people:household_consents", args=[h.pk]))
        page.screenshot(path="/tmp/shot_consents_phone.png", full_page=True)
        page.goto(live_server.url + reverse("people:household_leave", args=[h.pk]))
        page.screenshot(path="/tmp/shot_leave_phone.png", full_page=True)
        page.goto(live_server.url + reverse("people:household_adults", args=[h.pk]))
        page.screenshot(path="/tmp/shot_adults_phone.png", full_page=True)
        b.close()
