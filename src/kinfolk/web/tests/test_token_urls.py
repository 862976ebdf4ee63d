"""Secret links take only token characters: odd bytes are not a page, never a server error."""

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/join/%00abc/",
        "/invite/%00abc/",
        "/join/verify/%00abc/",
        "/visits/feed/%00abc.ics",
        "/join/a%20b/",
        "/invite/x'%3B--/",
    ],
)
def test_a_link_with_characters_no_token_has_is_not_found(client, db, url):
    # PostgreSQL refuses a NUL byte in text: before this, such links failed with a 500.
    assert client.get(url).status_code == 404
