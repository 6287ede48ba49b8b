"""Who is a State Party on a given day, in which group, and what a withdrawal changes.

A State is a Party from the day the treaty entered into force for it (Art. XVII ¶2, ¶6) up
to the day before its withdrawal takes effect (Art. XV ¶2). A group exists while at least
two of its members are Parties; a group holding common quotas (Art. III §II ¶3) or the
Benelux (Art. XIV ¶1) is then the quota holder for its members.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from openskies.errors import DateOutOfRangeError, InputError, UnknownStateError
from openskies.treaty._calendar import add_months
from openskies.treaty.citation import Citation
from openskies.treaty.model import Group, GroupKind, QuotaHolder, State, TreatyData

__all__ = [
    "Consequence",
    "Withdrawal",
    "check_in_treaty_period",
    "group_on",
    "holder_in_force",
    "holder_of",
    "holders_in_year",
    "holders_on",
    "is_party",
    "is_state_party",
    "parties_on",
    "party_members",
    "party_summaries",
    "resolve_holder",
    "resolve_state",
    "withdrawal",
]


def check_in_treaty_period(data: TreatyData, on: date) -> None:
    """Refuse a day before the treaty entered into force: no one was a Party then."""
    if on < data.entry_into_force:
        raise DateOutOfRangeError(
            f"{on.isoformat()} is before the Treaty on Open Skies entered into force on "
            f"{data.entry_into_force.isoformat()} (Art. XVII ¶2)"
        )


def resolve_state(data: TreatyData, code: str) -> State:
    """The State named by an ISO 3166 alpha-3 code (any case); a clear error otherwise."""
    key = code.strip().upper()
    if key in data.states:
        return data.states[key]
    by_name = [s for s in data.states.values() if s.name.casefold() == code.strip().casefold()]
    if by_name:
        return by_name[0]
    raise UnknownStateError(
        f"unknown State {code!r}: not one of the {len(data.states)} States that were ever "
        "States Parties (use an ISO 3166 alpha-3 code such as DEU, FRA, UKR)"
    )


def is_party(state: State, on: date) -> bool:
    """True when ``state`` is a State Party on ``on`` (Art. XVII ¶6, Art. XV ¶2).

    Where the day of entry into force is unknown, a State counts from ``party_by``, the
    latest day by which a source shows it to be a Party.
    """
    start = state.in_force or state.party_by
    if start is None or on < start:
        return False
    return state.withdrawal_effective is None or on < state.withdrawal_effective


def is_state_party(data: TreatyData, code: str, on: date) -> bool:
    """True when ``code`` names a State that is a State Party on ``on`` (the treaty in force
    for it and its withdrawal not yet effective: Art. XVII ¶2, Art. XV ¶2); False for a code
    the treaty data does not know."""
    state = data.states.get(code)
    return state is not None and is_party(state, on)


def parties_on(data: TreatyData, on: date) -> tuple[State, ...]:
    """The States Parties on ``on``, by code."""
    check_in_treaty_period(data, on)
    return tuple(s for _, s in sorted(data.states.items()) if is_party(s, on))


def group_on(data: TreatyData, code: str, on: date) -> Group | None:
    """The group ``code`` belongs to on ``on``: one with at least two member Parties that day."""
    for group in data.groups.values():
        if code not in group.members or on < group.formed:
            continue
        if sum(is_party(data.states[m], on) for m in group.members) >= 2:
            return group
    return None


def holder_of(data: TreatyData, code: str, on: date) -> QuotaHolder:
    """Who holds the quotas of State ``code`` on ``on``: its group, the Benelux, or itself."""
    group = group_on(data, code, on)
    if group is not None and group.holds_common_quota and group.code in data.holders:
        return data.holders[group.code]
    return data.holders[code]


def resolve_holder(data: TreatyData, code: str, on: date) -> QuotaHolder:
    """A quota holder named by its own code (``BLR-RUS``, ``BENELUX``) or a member's code."""
    key = code.strip().upper()
    if key in data.states or key not in data.holders:
        state = resolve_state(data, code)
        if not is_party(state, on):
            raise InputError(f"{state.code} is not a State Party on {on.isoformat()}")
        return holder_of(data, state.code, on)
    holder = data.holders[key]
    if not holder_in_force(data, holder, on):
        raise InputError(f"{key} holds no quota on {on.isoformat()}: not in force that day")
    return holder


def holder_in_force(data: TreatyData, holder: QuotaHolder, on: date) -> bool:
    """True when ``holder`` holds quotas on ``on`` (it is the holder for a Party that day)."""
    return any(
        is_party(data.states[m], on) and holder_of(data, m, on).code == holder.code
        for m in holder.members
    )


def party_members(data: TreatyData, holder: str, on: date) -> list[str]:
    """The States Parties a quota holder stands for on ``on``: a group's members, or itself."""
    found = data.holders.get(holder)
    codes = found.members if found is not None else (holder,)
    return sorted(c for c in codes if is_state_party(data, c, on))


def holders_on(data: TreatyData, on: date) -> tuple[QuotaHolder, ...]:
    """The quota holders in force on ``on``, by code."""
    check_in_treaty_period(data, on)
    codes = {holder_of(data, s.code, on).code for s in parties_on(data, on)}
    return tuple(data.holders[c] for c in sorted(codes))


def _change_days(data: TreatyData, year: int) -> list[date]:
    days = {date(year, 1, 1)}
    for state in data.states.values():
        for day in (state.in_force or state.party_by, state.withdrawal_effective):
            if day is not None and day.year == year:
                days.add(day)
    return sorted(d for d in days if d >= data.entry_into_force)


def holders_in_year(data: TreatyData, year: int) -> tuple[QuotaHolder, ...]:
    """The quota holders in force on at least one day of calendar ``year`` (the quota year)."""
    if year < data.entry_into_force.year:
        check_in_treaty_period(data, date(year, 12, 31))
    codes = {h.code for day in _change_days(data, year) for h in holders_on(data, day)}
    return tuple(data.holders[c] for c in sorted(codes))


def party_summaries(data: TreatyData, on: date) -> list[dict[str, str | None]]:
    """The States Parties on ``on`` as JSON objects: code, name, group, quota holder.

    The shape of ``openskies treaty parties --json`` and ``GET /api/treaty/parties``.
    """
    out: list[dict[str, str | None]] = []
    for state in parties_on(data, on):
        group = group_on(data, state.code, on)
        out.append(
            {
                "code": state.code,
                "name": state.name,
                "treaty_name": state.treaty_name,
                "group": group.code if group else None,
                "quota_holder": holder_of(data, state.code, on).code,
                "in_force": state.in_force.isoformat() if state.in_force else None,
            }
        )
    return out


@dataclass(frozen=True)
class Consequence:
    """One effect of a withdrawal, with the rule it comes from."""

    text: str
    citation: Citation


@dataclass(frozen=True)
class Withdrawal:
    """A withdrawal under Art. XV: when it takes effect and what it changes."""

    state: str
    notice: date
    effective: date
    conference_window: tuple[date, date]
    consequences: tuple[Consequence, ...]


def withdrawal(
    data: TreatyData, code: str, notice: date, intended: date | None = None
) -> Withdrawal:
    """Work out a withdrawal notified on ``notice`` (to the Depositaries, the same day).

    Art. XV ¶2: notice at least six months before the intended withdrawal date; Art. XV ¶3:
    a conference no less than 30 and no more than 60 days after the notice is received.
    """
    state = resolve_state(data, code)
    check_in_treaty_period(data, notice)
    if not is_party(state, notice):
        raise InputError(
            f"{state.code} is not a State Party on {notice.isoformat()}: "
            "only a State Party can give notice of withdrawal (Art. XV ¶2)"
        )
    months = data.limit("withdrawal_notice").on(notice)
    earliest = add_months(notice, months)
    if intended is not None and intended < earliest:
        raise InputError(
            f"intended withdrawal date {intended.isoformat()} is less than {months} months "
            f"after the notice of {notice.isoformat()}; the earliest is {earliest.isoformat()} "
            "(Art. XV ¶2)"
        )
    effective = intended or earliest
    first = notice + timedelta(days=data.limit("withdrawal_conference_earliest").on(notice))
    last = notice + timedelta(days=data.limit("withdrawal_conference_latest").on(notice))
    return Withdrawal(
        state=state.code,
        notice=notice,
        effective=effective,
        conference_window=(first, last),
        consequences=_consequences(data, state, effective),
    )


def _consequences(data: TreatyData, state: State, effective: date) -> tuple[Consequence, ...]:
    day_before = effective - timedelta(days=1)
    out = [
        Consequence(
            f"From {effective.isoformat()} {state.name} is no longer a State Party.",
            Citation("Art. XV ¶2"),
        ),
        Consequence(
            f"From {effective.isoformat()} {state.name} may no longer request or receive copies "
            "of data from observation flights; only States Parties may.",
            Citation("Art. IX §IV ¶1"),
        ),
        Consequence(
            "Flights over its territory and its own observation flights end with its membership: "
            "no State Party may be obliged to accept, or have the right to conduct, flights "
            "with a State that is not a Party.",
            Citation("Art. III §I ¶1–2"),
        ),
    ]
    holder = holder_of(data, state.code, day_before)
    group = group_on(data, state.code, day_before)
    if group is not None and group.kind is GroupKind.BENELUX:
        remaining = [
            m for m in group.members if m != state.code and is_party(data.states[m], effective)
        ]
        out.append(
            Consequence(
                f"Belgium, Luxembourg and the Netherlands are deemed a single State Party, the "
                f"Benelux, for Articles II–IX and XI and Annexes A–I and K (Art. XIV ¶1); the "
                f"treaty does not provide for one of them leaving it. With "
                f"{', '.join(remaining) or 'no member'} left, the Benelux's common quotas and "
                "its end (by notice, effective the 31 December after 60 days: Art. XIV ¶2) are "
                "for the remaining members and the OSCC.",
                Citation("Art. XIV ¶1–2"),
            )
        )
    elif group is not None:
        remaining = [
            m for m in group.members if m != state.code and is_party(data.states[m], effective)
        ]
        if len(remaining) >= 2:
            text = (
                f"{group.name} continues with {', '.join(remaining)}; changes to its "
                "quotas take effect on 1 January after the first annual review that "
                "follows the six-month notice period."
            )
        else:
            text = (
                f"{group.name} ends: {', '.join(remaining) or 'no member'} is left, and "
                "its common quotas need a new allocation by the Open Skies Consultative "
                "Commission."
            )
        out.append(Consequence(text, Citation("Art. III §II ¶6–7")))
    elif holder.code == state.code:
        out.append(
            Consequence(
                f"Its passive quota ({_quota_text(holder, day_before)}) and its active "
                "quotas lapse.",
                Citation("Art. III §I ¶4–5"),
            )
        )
    return tuple(out)


def _quota_text(holder: QuotaHolder, on: date) -> str:
    value = holder.passive_quota.value_on(on)
    return "unknown" if value is None else f"{value} flights a year"
