"""The exercise clock (`serve --clock`, `exercise advance`): kept in the database, shown in
/api/health, and the treaty applied on exercise time (a replay of 2002)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from openskies.adapters.database import make_engine, make_session_factory, upgrade
from openskies.adapters.exercise import advance_exercise, exercise_clock, stop_exercise
from openskies.adapters.orm import AuditRow
from openskies.bootstrap import Settings, build_app
from openskies.services.clock import ExerciseClock, FixedClock, exercise_time
from openskies.services.delegations import create_delegation
from openskies.treaty import load_treaty_data

START = datetime(2002, 3, 1, 8, 0, tzinfo=UTC)


def test_exercise_time_moves_at_real_speed_and_by_the_controller() -> None:
    real = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    later = real + timedelta(minutes=30)
    assert exercise_time(START, real, timedelta(0), later) == START + timedelta(minutes=30)
    assert exercise_time(START, real, timedelta(hours=72), later) == START + timedelta(
        hours=72, minutes=30
    )
    stopped = ExerciseClock(lambda: None, FixedClock(real))
    assert stopped.now() == real  # no exercise in the database: real time


def test_serve_clock_is_kept_in_the_database_for_every_replica(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url, str(tmp_path / "objects"), clock_start=START)
    app = build_app(settings, route_checker=None)
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        _, token = create_delegation(session, load_treaty_data(), "DEU", START)
    with TestClient(app) as client:
        health = client.get("/api/health").json()
        assert health["clock"]["mode"] == "exercise"
        now = datetime.fromisoformat(health["clock"]["now"])
        assert START <= now < START + timedelta(minutes=5)
        # a second replica, started without --clock, tells the same exercise time
        other = build_app(Settings(database_url, str(tmp_path / "objects")), route_checker=None)
        with TestClient(other) as replica:
            seen = datetime.fromisoformat(replica.get("/api/health").json()["clock"]["now"])
            assert abs(seen - now) < timedelta(minutes=5)
        advance_exercise(sessions, timedelta(hours=72))
        moved = datetime.fromisoformat(client.get("/api/health").json()["clock"]["now"])
        assert moved - now >= timedelta(hours=72)
        # a replay of 2002: the first distribution binds (Ann. A §II ¶1)
        refused = client.post(
            "/api/flights",
            headers={"Authorization": f"Bearer {token}"},
            json=_notice("POL", moved + timedelta(hours=96)),
        )
        assert refused.status_code == 422
        assert refused.json()["violations"][0]["citation"].startswith("Ann. A §II")
    with sessions.begin() as session:  # an entry written during the exercise is marked
        create_delegation(session, load_treaty_data(), "POL", START)
    with sessions() as session:
        entries = session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars().all()
        assert "clock" not in entries[0].details  # written before the exercise began
        assert entries[-1].details.get("clock") == "exercise"
    stop_exercise(sessions)
    assert exercise_clock(sessions) is None
    engine.dispose()


def _notice(observed: str, eta: datetime) -> dict[str, object]:
    return {
        "observed": observed,
        "point_of_entry": "pol-warszawa-okecie",
        "eta": eta.isoformat(),
        "pre_flight_inspection": {"place": "EPWA", "start": eta.isoformat()},
        "diplomatic_clearance": "X1",
        "aircraft": "A319OH",
        "approximate_distance_km": 900,
        "personnel": [
            {
                "name": "A",
                "gender": "F",
                "date_of_birth": "1970-01-01",
                "place_of_birth": "Bonn",
                "passport_number": "P1",
                "passport_issued_by": "DEU",
                "function": "observer",
            }
        ],
    }
