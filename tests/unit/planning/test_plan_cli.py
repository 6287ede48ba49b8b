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
