"""Languages spoken are picked as rows of a language and a level."""

from kinfolk.people.forms import ProfileForm
from kinfolk.people.widgets import LanguageRowsWidget, language_choices

BASE = {
    "first_name": "Ana",
    "town": "Leeds",
    "max_travel_km": "10",
    "visit_places": "home",
    "travel_mode": "car",
    "availability": ["mon-am"],
}


def _rows(*pairs):
    data = {}
    for i, (tag, level) in enumerate(pairs):
        data[f"speaks_{2 * i}"], data[f"speaks_{2 * i + 1}"] = tag, level
    return data


def test_rows_become_the_dictionarys_text(programme):
    form = ProfileForm(
        {**BASE, **_rows(("pl", "fluent"), ("en", "conversational"))}, programme=programme
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["speaks"] == "en:conversational;pl:fluent"


def test_a_language_without_a_level_is_refused_beside_the_field(programme):
    form = ProfileForm({**BASE, **_rows(("en", "fluent"), ("ar", ""))}, programme=programme)
    assert not form.is_valid()
    assert form.errors["speaks"] == ["Choose how well you speak ar."]


def test_only_basic_languages_are_refused(programme):
    form = ProfileForm({**BASE, **_rows(("en", "basic"))}, programme=programme)
    assert "conversational level or better" in form.errors["speaks"][0]


def test_the_dictionarys_text_in_one_value_is_still_read(programme):
    form = ProfileForm({**BASE, "speaks": "en:fluent"}, programme=programme)
    assert form.is_valid(), form.errors


def test_a_stored_value_shows_as_selected_rows_with_the_programmes_languages_first(programme):
    programme.languages = "pl;en"
    form = ProfileForm(initial={"speaks": "en:fluent;so:basic"}, programme=programme)
    html = str(form["speaks"])
    assert '<option value="en" selected>' in html and '<option value="so" selected>' in html
    assert html.index('value="pl"') < html.index('value="am"')


def test_a_rare_language_someone_has_is_offered_too():
    tags = [t for t, _name in language_choices(("en",), ("tlh",))]
    assert "tlh" in tags
    assert LanguageRowsWidget().decompress("not a value") == [""] * 8


def test_languages_being_learnt_are_picked_as_rows_too(programme):
    data = {
        **BASE,
        **_rows(("en", "fluent")),
        "learning_0": "fr",
        "learning_1": "",
        "learning_2": "ar",
    }
    form = ProfileForm(data, programme=programme)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["learning"] == "ar;fr"
    assert '<option value="fr" selected>' in str(
        ProfileForm(initial={"learning": "fr"}, programme=programme)["learning"]
    )
