from django.urls import reverse

from kinfolk.testing import make_user


def test_person_signs_in_with_email_address_in_any_case(client, db):
    make_user("mira@example.org", password="a long pass phrase", first_name="Mira")
    response = client.post(
        reverse("accounts:login"),
        {"username": "MIRA@example.org", "password": "a long pass phrase"},
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, db):
    make_user("mira@example.org", password="a long pass phrase")
    response = client.post(
        reverse("accounts:login"), {"username": "mira@example.org", "password": "nope"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"correct" in response.content  # Django's neutral "enter a correct e-mail and password"


def test_logout_requires_post(client, volunteer_user):
    client.force_login(volunteer_user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_home_sends_each_single_role_to_its_page(
    client, coordinator, volunteer, household_user, household
):
    client.force_login(coordinator)
    assert client.get("/")["Location"] == reverse(
        "programmes:overview", args=[volunteer.programme_id]
    )
    client.force_login(volunteer.user)
    assert client.get("/")["Location"] == reverse("people:volunteer_home", args=[volunteer.pk])
    client.force_login(household_user)
    assert client.get("/")["Location"] == reverse("people:household_home", args=[household.pk])


def test_home_lists_roles_of_a_person_with_several(client, programme, coordinator):
    from kinfolk.testing import make_volunteer

    make_volunteer(programme, user=coordinator)
    client.force_login(coordinator)
    response = client.get("/")
    assert response.status_code == 200
    assert b"Coordinate <bdi>Leeds Befriending</bdi>" in response.content
    assert b"Volunteering with <bdi>Leeds Befriending</bdi>" in response.content


def test_anonymous_home_redirects_to_login(client, db):
    assert client.get("/")["Location"].startswith(reverse("accounts:login"))


def test_repeated_wrong_passwords_lock_the_address_out(client, db, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    make_user("mira@example.org", password="a long pass phrase")
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "mira@example.org", "password": "nope"})
    right = {"username": "mira@example.org", "password": "a long pass phrase"}
    response = client.post(reverse("accounts:login"), right)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
