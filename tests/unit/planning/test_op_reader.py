"""Reading OP instance files and building instances: good input, and bad input named clearly."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from openskies.adapters.files import read_op_instance
from openskies.errors import InputError
from openskies.planning.optimiser import OPInstance

GOOD = "15\t1\n0.0\t0.0\t0\n3.0\t4.0\t0\n1.5\t2.0\t10\n6.0 0.0  7\n\n"


def write(tmp_path: Path, text: str, name: str = "case.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reader_keeps_file_order_start_first_end_second(tmp_path: Path) -> None:
    instance = read_op_instance(write(tmp_path, GOOD))
    assert instance.budget == 15.0
    assert (instance.start, instance.end) == (0, 1)
    assert instance.scores.tolist() == [0.0, 0.0, 10.0, 7.0]
    # Unrounded Euclidean: |(0,0)-(3,4)| = 5, |(3,4)-(6,0)| = 5, |(0,0)-(1.5,2)| = 2.5.
    assert instance.dist[0, 1] == 5.0
    assert instance.dist[1, 3] == 5.0
    assert instance.dist[0, 2] == 2.5
    assert instance.coords is not None and instance.coords.shape == (4, 2)


def test_instance_arrays_are_read_only(tmp_path: Path) -> None:
    instance = read_op_instance(write(tmp_path, GOOD))
    with pytest.raises(ValueError, match="read-only"):
        instance.dist[0, 1] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        instance.scores[2] = 1.0


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", None, "empty file"),
        ("15\n0 0 0\n1 1 0\n", 1, "'Tmax P'"),
        ("abc 1\n0 0 0\n1 1 0\n", 1, "Tmax 'abc' is not a number"),
        ("-3 1\n0 0 0\n1 1 0\n", 1, "Tmax must be >= 0"),
        ("15 2\n0 0 0\n1 1 0\n", 1, "P = 1"),
        ("15 1\n0 0 0\n1 1\n", 3, "expected 'x y score' (3 fields), got 2"),
        ("15 1\n0 0 0\n1 1 0\n2 x 5\n", 4, "y 'x' is not a number"),
        ("15 1\n0 0 0\n1 1 0\n2 2 nan\n", 4, "not a finite number"),
        ("15 1\n0 0 0\n1 1 0\n2 2 -5\n", 4, "score must be >= 0"),
        ("15 1\n0 0 0\n", None, "expected a start and an end point"),
        ("1 1\n0 0 0\n30 40 0\n", None, "no route fits the budget"),
    ],
)
def test_bad_file_raises_input_error_naming_file_and_line(
    tmp_path: Path, text: str, line: int | None, words: str
) -> None:
    path = write(tmp_path, text, "bad.txt")
    with pytest.raises(InputError) as info:
        read_op_instance(path)
    message = str(info.value)
    assert str(path) in message
    assert words in message
    if line is not None:
        assert f"{path}:{line}:" in message


def test_missing_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read OP instance"):
        read_op_instance(tmp_path / "nope.txt")


def test_from_distance_matrix_takes_non_euclidean_round_trip() -> None:
    # A round trip from one airfield (start == end) on a matrix no planar layout gives.
    dist = np.array([[0, 7, 9, 4], [7, 0, 2, 8], [9, 2, 0, 6], [4, 8, 6, 0]], dtype=float)
    instance = OPInstance.from_distance_matrix(dist, [0, 5, 5, 1], budget=20, start=0, end=0)
    assert instance.start == instance.end == 0
    assert instance.coords is None
    assert instance.route_length((0, 1, 2, 3, 0)) == 7 + 2 + 6 + 4


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"dist": [[0, 1], [2, 0]]}, "symmetric"),
        ({"dist": [[0, -1], [-1, 0]]}, ">= 0"),
        ({"dist": [[0, math.inf], [math.inf, 0]]}, "finite"),
        ({"dist": [[0, 1, 1], [1, 0, 1]]}, "square"),
        ({"scores": [0, -1]}, "scores"),
        ({"scores": [0, 1, 2]}, "one value per point"),
        ({"budget": -1}, "budget"),
        ({"budget": math.nan}, "budget"),
        ({"end": 2}, "not a point index"),
        ({"start": 1.0}, "integer"),
        ({"budget": 0.5}, "no route fits the budget"),
    ],
)
def test_invalid_instance_raises_input_error(kwargs: dict[str, object], words: str) -> None:
    args: dict[str, object] = {"dist": [[0, 1], [1, 0]], "scores": [0, 0], "budget": 3}
    args.update(kwargs)
    with pytest.raises(InputError, match=words):
        OPInstance.from_distance_matrix(**args)  # type: ignore[arg-type]
