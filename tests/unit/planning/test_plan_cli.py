"""`openskies plan op`: JSON and table output; bad input surfaces as InputError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openskies.cli.plan import app
from openskies.errors import InputError

# Start (0,0), end (4,0); targets on the way and one far off; budget 10.
INSTANCE = "10 1\n0 0 0\n4 0 0\n1 1 5\n3 1 5\n2 30 50\n"


@pytest.fixture
def instance_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.txt"
    path.write_text(INSTANCE, encoding="utf-8")
    return path


def test_op_json_prints_score_length_and_route_in_file_order(instance_file: Path) -> None:
    result = CliRunner().invoke(
        app, ["op", str(instance_file), "--time-limit", "1", "--seed", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["route"] == [0, 2, 3, 1]
    assert data["score"] == 10
    # sqrt(2) + 2 + sqrt(2)
    assert data["length"] == pytest.approx(2 + 2 * 2**0.5)


def test_op_table_lists_every_stop(instance_file: Path) -> None:
    result = CliRunner().invoke(app, ["op", str(instance_file), "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    assert "score 10" in result.output
    assert "proven optimal" in result.output


def test_op_bad_file_raises_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("10 1\n0 0 0\n4 0\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["op", str(bad), "--json"])
    assert isinstance(result.exception, InputError)
    assert f"{bad}:3:" in str(result.exception)


def test_op_time_limit_must_be_positive(instance_file: Path) -> None:
    result = CliRunner().invoke(app, ["op", str(instance_file), "--time-limit", "0"])
    assert isinstance(result.exception, InputError)
    assert "--time-limit" in str(result.exception)


def test_campaign_json_counts_each_site_once_and_names_each_airfield(tmp_path: Path) -> None:
    from openskies.cli.main import app as main_app

    sites = tmp_path / "sites.csv"
    sites.write_text(
        "id,lat,lon,value\na,52.40,20.95,3\nb,52.10,21.30,2\nc,51.80,19.45,5\nd,53.10,18.00,1\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main_app,
        [
            "plan", "campaign", "--observed", "POL", "--date", "2019-06-01",
            "--flight", "WARSZAWA-OKECIE", "--flight", "WARSZAWA-OKECIE",
            "--sites", str(sites), "--time-limit", "1", "--json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert [f["airfield"] for f in out["flights"]] == ["Warszawa-Okecie"] * 2
    counted = [s for f in out["flights"] for s in f["sites_new"]]
    assert len(counted) == len(set(counted)) and set(counted) <= {"a", "b", "c", "d"}
    assert out["value"] == pytest.approx(sum({"a": 3, "b": 2, "c": 5, "d": 1}[s] for s in counted))
