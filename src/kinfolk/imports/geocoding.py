"""The optional geocoder: places the programme's own data cannot place, asked of Nominatim.

Off unless ``KINFOLK_GEOCODER_URL`` is set: then no request is ever made.  On,
only the rows the offline placer refuses are looked up, and only their place
text is sent (a town, a postcode or, with ``KINFOLK_GEOCODER_ADDRESSES``, an
address) with the programme's country: never a name, an e-mail address or a
phone number.  Each distinct text is asked once per import, at most one request
per ``KINFOLK_GEOCODER_MIN_DELAY`` seconds; the answers are kept per programme
(``GeocodedPlace``) so a re-import, and the commit after a preview, ask nothing
again.  What an answer means (one place, several far apart, abroad) is decided
by :meth:`kinfolk.imports.places.Placer.geocoded`.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from kinfolk.imports.models import GeocodedPlace

logger = logging.getLogger(__name__)

#: Answers are stored this often while asking, so a stopped job keeps what it was told.
_STORE_EVERY = 20
_READ_BATCH = 500
#: Nominatim returns the best first; a handful is enough to see that a name is ambiguous.
CANDIDATES_ASKED = 5


@dataclass(frozen=True)
class Query:
    """One place text to look up: ``kind`` is ``postcode``, ``town`` or ``address``."""

    kind: str
    text: str

    @property
    def key(self) -> str:
        """The same place however it is spaced or capitalised."""
        return f"{self.kind}:{' '.join(self.text.split()).casefold()}"


@dataclass(frozen=True)
class Candidate:
    """One place the geocoder gave: where it is, and its country (ISO code, upper case)."""

    lat: float
    lon: float
    country: str


Answers = dict[str, list[Candidate]]


class GeocoderDown(Exception):
    """The geocoder did not answer (unreachable, timed out, an error): the job stops."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def geocoder_on() -> bool:
    """Whether a geocoder is configured; unset (the default), imports never make a request."""
    return bool(settings.KINFOLK_GEOCODER_URL)


def _host() -> str:
    return urlsplit(settings.KINFOLK_GEOCODER_URL).netloc


def _asked(query: Query) -> dict[str, str] | str:
    """Nominatim's structured search for a postcode or a town; free text for an address."""
    text = " ".join(query.text.split())
    if query.kind == "postcode":
        return {"postalcode": text}
    if query.kind == "town":
        return {"city": text}
    return text


class NominatimClient:
    """geopy's Nominatim at the configured URL, rate-limited, with a timeout."""

    def __init__(self, *, country: str) -> None:
        try:
            from geopy.adapters import URLLibAdapter
            from geopy.extra.rate_limiter import RateLimiter
            from geopy.geocoders import Nominatim
        except ImportError:
            raise GeocoderDown(
                _(
                    "A geocoder is configured but geopy is not installed on the server "
                    "(pip install 'kinfolk[geocoder]'); nothing was imported."
                )
            ) from None
        url = urlsplit(settings.KINFOLK_GEOCODER_URL)
        self.country = country.lower()
        client = Nominatim(
            domain=url.netloc + url.path.rstrip("/"),
            scheme=url.scheme,
            user_agent=settings.KINFOLK_GEOCODER_USER_AGENT,
            timeout=settings.KINFOLK_GEOCODER_TIMEOUT,
            # The standard library's client: requests' urllib3 retries a timed-out call
            # and logs a warning holding its URL, and so the place that was looked up.
            adapter_factory=URLLibAdapter,
        )
        delay = settings.KINFOLK_GEOCODER_MIN_DELAY
        # No retries: geopy logs a retried call with its arguments (the place text), and a
        # geocoder that fails once is reported to the coordinator rather than hammered.
        self._geocode = RateLimiter(
            client.geocode,
            min_delay_seconds=delay,
            max_retries=0,
            error_wait_seconds=delay,
            swallow_exceptions=False,
        )

    def ask(self, query: Query) -> list[Candidate]:
        """Every candidate for the text, best first; raises :class:`GeocoderDown`."""
        from geopy.exc import GeocoderTimedOut, GeopyError

        try:
            found = self._geocode(
                _asked(query),
                exactly_one=False,
                limit=CANDIDATES_ASKED,
                addressdetails=True,
                country_codes=self.country,
            )
        except GeocoderTimedOut:
            raise GeocoderDown(
                _(
                    "The geocoder at %(host)s did not answer within %(n)s seconds; nothing "
                    "was imported. Try again later, or give these rows latitude and "
                    "longitude, a town we know or a postcode."
                )
                % {"host": _host(), "n": f"{settings.KINFOLK_GEOCODER_TIMEOUT:g}"}
            ) from None
        except GeopyError as error:
            # The error's text can hold the request's URL, and so the place: only its kind.
            logger.warning("geocoder at %s failed: %s", _host(), type(error).__name__)
            raise GeocoderDown(
                _(
                    "The geocoder at %(host)s failed: %(reason)s. Nothing was imported. Try "
                    "again later, or give these rows latitude and longitude, a town we know "
                    "or a postcode."
                )
                % {"host": _host(), "reason": _reason(error)}
            ) from None
        return [_candidate(location.raw) for location in found or []]


def _reason(error: Exception) -> str:
    """What went wrong, in words a coordinator can pass on to whoever runs the geocoder."""
    from geopy import exc

    if isinstance(error, exc.GeocoderRateLimited | exc.GeocoderQuotaExceeded):
        return _("it asks for fewer requests: raise KINFOLK_GEOCODER_MIN_DELAY")
    if isinstance(error, exc.GeocoderAuthenticationFailure | exc.GeocoderInsufficientPrivileges):
        return _("it refused Kinfolk's requests")
    if isinstance(error, exc.GeocoderParseError):
        return _("its answer was not a Nominatim answer: check KINFOLK_GEOCODER_URL")
    return _("it could not be reached, or answered with an error")


def _candidate(raw: dict[str, Any]) -> Candidate:
    country = (raw.get("address") or {}).get("country_code") or ""
    return Candidate(float(raw["lat"]), float(raw["lon"]), str(country).upper())


def _digest(query: Query, country: str) -> str:
    """A keyed hash of what was asked, where and of whom: the stored text is not readable."""
    asked = f"{settings.KINFOLK_GEOCODER_URL}\n{country.upper()}\n{query.key}"
    return hmac.new(settings.SECRET_KEY.encode(), asked.encode(), hashlib.sha256).hexdigest()


def _stored(programme_id: int, digests: list[str]) -> dict[str, list[Candidate]]:
    found: dict[str, list[Candidate]] = {}
    for start in range(0, len(digests), _READ_BATCH):
        rows = GeocodedPlace.objects.filter(
            programme_id=programme_id, digest__in=digests[start : start + _READ_BATCH]
        ).values_list("digest", "candidates")
        for digest, candidates in rows:
            found[digest] = [Candidate(lat, lon, country) for lat, lon, country in candidates]
    return found


def _store(programme_id: int, answered: dict[str, list[Candidate]]) -> None:
    GeocodedPlace.objects.bulk_create(
        [
            GeocodedPlace(
                programme_id=programme_id,
                digest=digest,
                candidates=[[c.lat, c.lon, c.country] for c in candidates],
            )
            for digest, candidates in answered.items()
        ],
        ignore_conflicts=True,  # another job asked the same meanwhile: the same answer
    )
    answered.clear()


def answers_get(
    *,
    programme_id: int,
    country: str,
    queries: Iterable[Query],
    started: Callable[[int], None],
    asked: Callable[[int], None],
    client_make: Callable[..., Any] = NominatimClient,
) -> Answers:
    """The candidates for each query (by its key): kept answers first, then one request each.

    ``started(n)`` is called with the number of requests to make, ``asked(done)``
    after each.  Raises :class:`GeocoderDown` when the geocoder fails; the
    answers received before that are kept, so trying again asks only for the rest.
    """
    distinct = {query.key: query for query in queries}
    digests = {key: _digest(query, country) for key, query in distinct.items()}
    stored = _stored(programme_id, list(digests.values()))
    answers: Answers = {key: stored[d] for key, d in digests.items() if d in stored}
    missing = [query for key, query in distinct.items() if key not in answers]
    if not missing:
        return answers
    started(len(missing))
    client = client_make(country=country)
    answered: dict[str, list[Candidate]] = {}
    try:
        for done, query in enumerate(missing, start=1):
            answers[query.key] = answered[digests[query.key]] = client.ask(query)
            asked(done)
            if len(answered) >= _STORE_EVERY:
                _store(programme_id, answered)
    finally:
        _store(programme_id, answered)
    return answers
