import pytest

from kinfolk.engine import dictionary as dd


@pytest.mark.parametrize(
    "name",
    ["religion", "Religions", "health", "disabilities", "nationalities", "home_country",
     "cultural_background", "countryOfBirth", "ethnicity_code"],
)  # fmt: skip
def test_sensitive_category_names_are_recognised_singular_or_plural(name: str) -> None:
    assert dd.sensitive_category(name) is not None


@pytest.mark.parametrize("name", ["town", "country", "trace", "reunion_date", "speaks", "accepts"])
def test_ordinary_column_names_are_not_sensitive(name: str) -> None:
    assert dd.sensitive_category(name) is None


def test_every_data_dictionary_column_and_condition_passes_the_guard() -> None:
    from kinfolk.engine.population import COLUMNS

    assert [c for c in (*COLUMNS, *dd.CONDITIONS) if dd.sensitive_category(c)] == []


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("en:fluent", "en-GB:fluent", True),
        ("en-US:conversational", "en-GB:fluent", True),
        ("pt-BR:fluent", "pt:fluent", True),
        ("en:fluent", "en-GB:basic", False),
        ("zh-Hans:fluent", "zh-Hant:fluent", False),
        ("en:fluent", "fr:fluent", False),
    ],
)
def test_languages_are_compared_by_base_language(a: str, b: str, expected: bool) -> None:
    assert dd.can_communicate(a, b) is expected
    assert dd.can_communicate(b, a) is expected
