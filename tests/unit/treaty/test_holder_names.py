"""Quota holders' names are read whole (a comma in a YAML flow mapping once cut one short)."""

from __future__ import annotations

from openskies.treaty import holders_in_year, load_treaty_data


def test_benelux_is_named_with_its_three_members() -> None:
    names = {h.code: h.name for h in holders_in_year(load_treaty_data(), 2026)}
    assert names["BENELUX"] == "Benelux (Belgium, Luxembourg, Netherlands)"
    assert all(n.count("(") == n.count(")") for n in names.values()), names
