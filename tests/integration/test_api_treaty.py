"""Treaty endpoints of the API: the same answers as the command line, behind a token."""

from __future__ import annotations

from tests.integration.conftest import World


def test_treaty_endpoints(world: World) -> None:
    parties = world.call("FRA", "GET", "/api/treaty/parties?on=2021-12-19").json()
    assert len(parties) == 32 and {p["code"] for p in parties} >= {"BLR", "BEL"}
    quotas = world.call("FRA", "GET", "/api/treaty/quotas?year=2019").json()
    assert quotas["passive"]["BLR-RUS"] == 42
    airfields = world.call("FRA", "GET", "/api/treaty/airfields?observed=RUS&on=2019-01-01").json()
    kubinka = next(a for a in airfields if a["airfield"] == "KUBINKA")
    assert kubinka["distance_km"] == 5500 and kubinka["source"]
    bad = world.call("FRA", "GET", "/api/treaty/parties?on=1999-01-01")
    assert bad.status_code == 422 and "Art. XVII ¶2" in bad.json()["detail"]
    assert world.client.get("/api/treaty/parties?on=2021-12-19").status_code == 401
