"""Which column of a file is which import field: a guess from the headers, then the coordinator's.

Headers are compared after folding case, accents and punctuation, against the
field names and a small table of synonyms in the languages programmes work in.
A column that names a sensitive category (charter rule 3) is refused by name:
it cannot be mapped, and its values are dropped before the file is stored.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from kinfolk.people.columns import sensitive_category

#: Import fields with what a coordinator reads beside each.
FIELDS: dict[str, object] = {
    "id": _("your own id of the person (required)"),
    "first_name": _("first name (required)"),
    "last_name": _("last name"),
    "email": _("e-mail address (the invitation goes there)"),
    "phone": _("phone number"),
    "address": _("postal address"),
    "town": _("town"),
    "postcode": _("postcode (placed by the programme's postcode file)"),
    "lat": _("latitude"),
    "lon": _("longitude"),
    "max_travel_km": _("how far they travel (km)"),
    "visit_places": _("where visits happen: home, public or either"),
    "speaks": _("languages spoken, as en:fluent;pl:basic (required)"),
    "learning": _("languages being learnt, as fr;ar"),
    "availability": _("weekly availability, as mon-am;sat-pm (required)"),
    "offers": _("conditions of the home, as pets;smoking"),
    "accepts": _("conditions accepted, as children"),
    "waiting_since": _("waiting since (YYYY-MM-DD)"),
    "blackout": _("dates with no visits, as 2026-12-20..2027-01-03"),
    "travel_mode": _("travel mode: car, public or walk"),
}
REQUIRED = ("id", "first_name", "speaks", "availability")

#: Folded header -> field.  English, French, German, Spanish, Italian, Portuguese, Polish,
#: Dutch, Russian, Ukrainian, Arabic and Chinese: the languages of our programmes so far.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("externalid", "ref", "reference", "number", "no", "identifiant", "kennung",
           "nummer", "identificador", "numero", "codigo", "identyfikator", "numer",
           "nr", "номер", "ид", "идентификатор", "الرقم", "المعرف", "编号", "序号"),
    "first_name": ("firstname", "forename", "givenname", "name", "prenom", "vorname",
                   "nombre", "nome", "imie", "voornaam", "имя", "імя", "ім'я", "الاسم",
                   "الاسمالاول", "名", "名字", "姓名"),
    "last_name": ("lastname", "surname", "familyname", "nom", "nomdefamille", "nachname",
                  "apellido", "apellidos", "cognome", "sobrenome", "nazwisko", "achternaam",
                  "фамилия", "прізвище", "اسمالعائلة", "اللقب", "姓"),
    "email": ("email", "emailaddress", "mail", "courriel", "adressemail", "correo",
              "correoelectronico", "posta", "epost", "емейл", "почта", "البريدالالكتروني",
              "البريد", "电子邮件", "邮箱"),
    "phone": ("phone", "telephone", "tel", "mobile", "phonenumber", "cell", "telefon",
              "handy", "telefono", "telemovel", "telefoon", "телефон", "الهاتف", "جوال",
              "电话", "手机"),
    "address": ("address", "streetaddress", "adresse", "anschrift", "direccion",
                "indirizzo", "endereco", "adres", "адрес", "адреса", "العنوان", "地址"),
    "town": ("town", "city", "ville", "stadt", "ort", "ciudad", "localidad", "citta",
             "cidade", "miasto", "miejscowosc", "plaats", "город", "місто", "المدينة", "城市"),
    "postcode": ("postcode", "postalcode", "zip", "zipcode", "codepostal", "plz",
                 "postleitzahl", "codigopostal", "cap", "cep", "kodpocztowy", "postcode",
                 "индекс", "поштовийіндекс", "الرمزالبريدي", "邮编", "邮政编码"),
    "lat": ("lat", "latitude", "breite", "breitengrad", "latitud", "latitudine",
            "szerokosc", "широта", "خطالعرض", "纬度"),
    "lon": ("lon", "lng", "long", "longitude", "lange", "langengrad", "longitud",
            "longitudine", "dlugosc", "долгота", "довгота", "خطالطول", "经度"),
    "max_travel_km": ("maxtravelkm", "travelkm", "distance", "km", "distancekm"),
    "visit_places": ("visitplaces", "visitplace", "where"),
    "speaks": ("speaks", "languages", "language", "languagesspoken", "langues", "sprachen",
               "idiomas", "lingue", "jezyki", "talen", "языки", "мови", "اللغات", "语言"),
    "learning": ("learning", "learns", "languageslearning", "apprend", "lernt"),
    "availability": ("availability", "available", "disponibilite", "verfugbarkeit",
                     "disponibilidad", "disponibilita", "dostepnosc"),
    "offers": ("offers", "homeconditions"),
    "accepts": ("accepts", "accepted"),
    "waiting_since": ("waitingsince", "since", "registered", "joined"),
    "blackout": ("blackout", "away", "holidays", "nodates"),
    "travel_mode": ("travelmode", "travel", "transport", "mode"),
}  # fmt: skip


def fold(header: str) -> str:
    """``"E-mail address"`` -> ``"emailaddress"``; ``"Prénom"`` -> ``"prenom"``."""
    text = unicodedata.normalize("NFKD", header.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", text)


_LOOKUP: dict[str, str] = {}
for _field, _words in SYNONYMS.items():
    for _word in (_field, *_words):
        _LOOKUP.setdefault(fold(_word), _field)


def columns_refused(header: list[str]) -> dict[str, str]:
    """Each column that names a sensitive category, with that category."""
    refused = {}
    for name in header:
        category = sensitive_category(fold_words(name))
        if name and category:
            refused[name] = category
    return refused


def fold_words(header: str) -> str:
    """Accents folded, words kept apart, for :func:`sensitive_category`."""
    text = unicodedata.normalize("NFKD", header)
    return "".join(c for c in text if not unicodedata.combining(c))


def mapping_guess(header: list[str], remembered: dict[str, str]) -> dict[str, str]:
    """Column -> field: the remembered mapping where it names a column, else the synonyms."""
    refused = columns_refused(header)
    taken: set[str] = set()
    guess: dict[str, str] = {}
    for column in header:
        if not column or column in refused:
            continue
        field = remembered.get(column) or _LOOKUP.get(fold(column), "")
        if field in FIELDS and field not in taken:
            guess[column] = field
            taken.add(field)
    return guess


def mapping_problems(header: list[str], mapping: dict[str, str]) -> list[str]:
    """What is wrong with a mapping, in words; empty when it can be used."""
    from django.utils.translation import gettext as _t

    problems = []
    refused = columns_refused(header)
    for column, field in mapping.items():
        if column not in header:
            problems.append(_t("The file has no column “%(column)s”.") % {"column": column})
        elif column in refused:
            problems.append(refusal_message(column, refused[column]))
        elif field not in FIELDS:
            problems.append(_t("“%(field)s” is not an import field.") % {"field": field})
    fields = list(mapping.values())
    for field in sorted({f for f in fields if fields.count(f) > 1}):
        problems.append(_t("Two columns are mapped to %(field)s; map one.") % {"field": field})
    for field in REQUIRED:
        if field not in fields:
            problems.append(_t("Map a column to %(field)s: it is required.") % {"field": field})
    if not ({"lat", "lon"} <= set(fields) or {"town", "postcode"} & set(fields)):
        problems.append(
            _t("Map a column that places each person: latitude and longitude, town or postcode.")
        )
    return problems


def refusal_message(column: str, category: str) -> str:
    from django.utils.translation import gettext as _t

    return _t(
        "The column “%(column)s” holds %(category)s, a sensitive category Kinfolk never "
        "stores or matches on (charter rule 3). It is not read, and its values were not kept."
    ) % {"column": column, "category": category}
