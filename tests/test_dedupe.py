"""Telling two clients apart: email first, then company name and owner."""

from __future__ import annotations

from crmgen.dedupe import Identity, Index, company_key, normal


def _id(label: str, **values: str) -> Identity:
    return Identity.of(label, values)


def test_normal_folds_case_width_and_spaces() -> None:
    assert normal("  ANNA@Example.COM ") == "anna@example.com"
    assert normal("\uff46\uff55\uff4c\uff4c\u3000width") == "full width"
    assert normal("Straße") == normal("STRASSE")


def test_company_key_drops_punctuation_and_legal_suffixes() -> None:
    assert company_key("Acme Ltd.") == company_key("ACME") == "acme"
    assert company_key("The New York Inquirer") == "new york inquirer"
    assert company_key("Ltd") == "ltd"


def test_same_email_matches_whatever_the_company() -> None:
    index = Index()
    index.add(_id("a", name="A", email="Ann@X.example"))
    found = index.match(_id("b", name="Other", email="ann@x.example"))
    assert found is not None and found[0].label == "a"
    assert found[1] == "the same email"


def test_same_company_matches_unless_people_or_owners_differ() -> None:
    index = Index()
    index.add(_id("a", name="Acme Ltd", email="ann@acme.example", owner="Cara"))
    assert index.match(_id("b", name="ACME")) is not None
    assert index.match(_id("c", name="Acme", email="bob@acme.example")) is None
    assert index.match(_id("d", name="Acme", owner="Dan")) is None
    assert index.match(_id("e", name="Acme", owner="cara")) is not None
