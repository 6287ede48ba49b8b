"""The authorisation policy: docs/policy.md and the code say the same thing."""

from __future__ import annotations

from pathlib import Path

import pytest

from openskies.missions.policy import POLICY, Action, Role, allowed, citation_for

DOC = Path(__file__).parents[3] / "docs" / "policy.md"


def _doc_table() -> dict[tuple[str, str], bool]:
    rows = [
        line
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith("| action")
    ]
    header = next(
        line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| action")
    )
    roles = [c.strip() for c in header.strip("|").split("|")][1:-1]
    table = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        for role, cell in zip(roles, cells[1:-1], strict=True):
            table[cells[0], role] = cell == "yes"
    return table


CELLS = [(a, r) for a in Action for r in Role]


@pytest.mark.parametrize(("action", "role"), CELLS, ids=[f"{a.value}-{r.value}" for a, r in CELLS])
def test_policy_cell_matches_the_documented_table(action: Action, role: Role) -> None:
    assert allowed(action, role) == _doc_table()[action.value, role.value]


def test_a_state_that_is_not_a_party_may_do_nothing() -> None:
    assert not any(allowed(action, Role.NOT_A_PARTY) for action in Action)


def test_every_action_cites_the_treaty() -> None:
    assert set(POLICY) == set(Action)
    for action in Action:
        assert citation_for(action).is_treaty
