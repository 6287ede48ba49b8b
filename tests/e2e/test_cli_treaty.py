"""The ``openskies treaty`` commands: their JSON contracts and their one-line errors."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from openskies.cli.main import run


def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, Any, str]:
    monkeypatch.setattr(sys, "argv", ["openskies", *args])
    with pytest.raises(SystemExit) as exit_info:
        run()
    out, err = capsys.readouterr()
    code = exit_info.value.code or 0
    return int(code), (json.loads(out) if code == 0 and "--json" in args else out), err


def test_parties_on_a_day(capsys, monkeypatch) -> None:
    code, parties, _ = cli(capsys, monkeypatch, "treaty", "parties", "--on", "2021-12-19", "--json")
    assert code == 0 and len(parties) == 32
    by_code = {p["code"]: p for p in parties}
    assert by_code["BEL"]["group"] == "BENELUX" and by_code["BLR"]["group"] is None
    assert by_code["DEU"]["name"] == "Germany" and "RUS" not in by_code


def test_parties_in_2020_show_the_belarus_russia_group(capsys, monkeypatch) -> None:
    _, parties, _ = cli(capsys, monkeypatch, "treaty", "parties", "--on", "2020-06-01", "--json")
    by_code = {p["code"]: p for p in parties}
    assert len(parties) == 34 and by_code["RUS"]["group"] == "BLR-RUS"


def test_withdraw(capsys, monkeypatch) -> None:
    _, out, _ = cli(
        capsys, monkeypatch, "treaty", "withdraw", "RUS", "--notice", "2021-06-18", "--json"
    )
    assert out["effective"] == "2021-12-18"
    assert out["conference_window"] == ["2021-07-18", "2021-08-17"]


def test_quotas(capsys, monkeypatch) -> None:
    _, out, _ = cli(capsys, monkeypatch, "treaty", "quotas", "--year", "2019", "--json")
    assert out["passive"]["BLR-RUS"] == 42 and out["passive"]["USA"] == 42
    _, out, _ = cli(capsys, monkeypatch, "treaty", "quotas", "--year", "2022", "--json")
    assert "USA" not in out["passive"] and "BLR-RUS" not in out["passive"]
    assert out["passive"]["DEU"] == 12 and out["passive"]["BENELUX"] == 6


def test_max_flights(capsys, monkeypatch) -> None:
    _, out, _ = cli(
        capsys, monkeypatch, "treaty", "max-flights", "DEU", "POL", "--year", "2019", "--json"
    )
    assert out["max"] == 3 and out["citation"] == "Art. III §I ¶10"  # min(6, 3)
    # the treaty's words for the two Parties, as in every other JSON output
    assert out["observing_party"] == "DEU" and out["observed_party"] == "POL"
    assert "observer" not in out


def test_deadlines(capsys, monkeypatch) -> None:
    _, out, _ = cli(
        capsys, monkeypatch, "treaty", "deadlines", "--eta", "2026-12-07T09:00:00Z", "--json"
    )
    assert out["notify_by"] == "2026-12-04T09:00:00Z"
    assert out["acknowledge_by"] == "2026-12-05T09:00:00Z"
    assert out["period_ends"] == "2026-12-11T09:00:00Z"
    assert out["breaches"] == []


def test_deadlines_report_a_late_notice(capsys, monkeypatch) -> None:
    _, out, _ = cli(
        capsys,
        monkeypatch,
        "treaty",
        "deadlines",
        "--eta",
        "2026-12-07T09:00Z",
        "--notified-at",
        "2026-12-05T09:00Z",
        "--json",
    )
    assert [b["citation"] for b in out["breaches"]] == ["Art. VI §I ¶5"]


def test_distances_and_limits(capsys, monkeypatch) -> None:
    _, out, _ = cli(
        capsys,
        monkeypatch,
        "treaty",
        "distances",
        "--holder",
        "RUS",
        "--on",
        "2019-01-01",
        "--json",
    )
    assert {d["airfield"]: d["distance_km"] for d in out["distances"]}["KUBINKA"] == 5500
    assert out["sub_limits"][0]["distance_km"] == 500
    _, limits, _ = cli(capsys, monkeypatch, "treaty", "limits", "--on", "2026-01-01", "--json")
    assert {r["id"]: r["value"] for r in limits}["notification_before_eta"] == 72


def test_distribute_from_a_csv(capsys, monkeypatch, tmp_path) -> None:
    requests = tmp_path / "requests.csv"
    requests.write_text("observing,observed,flights\nDEU,POL,2\nFRA,POL,5\n")
    _, out, _ = cli(
        capsys, monkeypatch, "treaty", "distribute", str(requests), "--year", "2019", "--json"
    )
    assert out["status"] == "proposal" and out["citation"] == "Ann. L §II ¶3"
    asked = {a["observing_party"]: a for a in out["allocations"] if not a["from_previous_year"]}
    assert set(asked) == {"DEU", "FRA"}
    rules = {r["rule"] for r in asked["FRA"]["reasons"]}
    assert "fifty_percent_rule" in rules  # FRA cut to ceil(6 / 2) by Art. III §I ¶10
    # Art. III §I ¶7: the others' previous distribution stands, e.g. Poland over Germany
    carried = {
        (a["observing_party"], a["observed_party"])
        for a in out["allocations"]
        if a["from_previous_year"]
    }
    assert ("POL", "DEU") in carried and ("DEU", "BLR-RUS") not in carried
    over_poland = sum(a["granted"] for a in out["allocations"] if a["observed_party"] == "POL")
    assert over_poland <= 6  # what Poland must accept after the phase-in (Ann. A §II ¶3)


def test_ann_l_ii_distribute_names_russia_as_part_of_its_group_in_2019(
    capsys, monkeypatch, tmp_path
) -> None:
    requests = tmp_path / "requests.csv"
    requests.write_text("observing,observed,flights\nRUS,DEU,2\n")
    _, out, _ = cli(
        capsys, monkeypatch, "treaty", "distribute", str(requests), "--year", "2019", "--json"
    )
    mine = [a for a in out["allocations"] if a["observing_party"] == "BLR-RUS"]
    assert mine == [
        {
            "observing_party": "BLR-RUS",
            "observed_party": "DEU",
            "requested": 2,
            "granted": 2,
            "from_previous_year": False,
            "reasons": [],
        }
    ]


def test_art_iii_i_7_distribution_record_then_decisions_lists_it_with_its_source(
    capsys, monkeypatch, tmp_path
) -> None:
    from openskies.adapters.decisions import treaty_data_with

    decisions = tmp_path / "decisions"
    decisions.mkdir()
    monkeypatch.setenv("OPENSKIES_DECISIONS_DIR", str(decisions))
    treaty_data_with.cache_clear()
    agreed = tmp_path / "agreed.csv"
    agreed.write_text("observing,observed,flights\nDEU,POL,1\nPOL,DEU,1\n")
    code, _, err = cli(
        capsys, monkeypatch, "treaty", "distribution", "record", str(agreed),
        "--year", "2010", "--reference", "OSCC.DEC/7/09",
    )  # fmt: skip
    assert code == 0, err
    assert (decisions / "distribution-2010.yaml").is_file()
    _, listed, _ = cli(capsys, monkeypatch, "treaty", "decisions", "--json")
    mine = [d for d in listed["decisions"] if d["source"].startswith(str(decisions))]
    assert {(d["kind"], d["subject"], d["value"]) for d in mine} == {
        ("distribution", "DEU", "1 over POL"),
        ("distribution", "POL", "1 over DEU"),
    }
    assert mine[0]["citation"] == "OSCC.DEC/7/09"
    assert "SWE" in listed["unknown"]
    code, _, err = cli(
        capsys, monkeypatch, "treaty", "distribution", "record", str(agreed),
        "--year", "2010", "--reference", "OSCC.DEC/7/09",
    )  # fmt: skip
    assert code != 0 and "already recorded" in err
    treaty_data_with.cache_clear()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["treaty", "parties", "--on", "1999-01-01"], "before the Treaty on Open Skies entered"),
        (["treaty", "parties", "--on", "2021-13-01"], "--on: '2021-13-01' is not a date"),
        (["treaty", "withdraw", "XYZ", "--notice", "2020-05-22"], "unknown State 'XYZ'"),
        (["treaty", "withdraw", "USA", "--notice", "2021-01-10"], "not a State Party"),
        (["treaty", "quotas", "--year", "abc"], "--year: 'abc' is not a whole number"),
        (["treaty", "quotas", "--year", "1995"], "before the Treaty on Open Skies"),
        (["treaty", "max-flights", "USA", "DEU", "--year", "2022"], "not a State Party"),
        (["treaty", "deadlines", "--eta", "2026-12-07T09:00"], "has no UTC offset"),
        (["treaty", "distribute", "/nonexistent.csv", "--year", "2019"], "no such file"),
    ],
)
def test_bad_input_gets_one_line_and_status_2(capsys, monkeypatch, args, message) -> None:
    code, out, err = cli(capsys, monkeypatch, *args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_exercise_advance_without_an_exercise_says_how_to_start_one(
    capsys, monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("OPENSKIES_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("OPENSKIES_DATABASE_URL", raising=False)
    code, _, err = cli(capsys, monkeypatch, "exercise", "advance", "72h")
    assert code != 0 and "serve --clock" in err
    code, _, err = cli(capsys, monkeypatch, "exercise", "advance", "soon")
    assert code != 0 and "72h" in err
