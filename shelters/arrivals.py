"""What else an arrival at a shelter sets off, for apps above shelters.

A moment after each check-in, shelters.follow_ups.arrival_follow_ups handles the due
arrivals in batches. An app that must react (evacuation: the person leaves their
out-of-shelter report) registers a follow-up here in its AppConfig.ready(): given a
batch, it reads what it needs for all of it at once and returns what to do for one
arrival, which then runs inside that arrival's own transaction (a failure leaves the
arrival due for the next sweep).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from shelters.models import PresenceEvent

ArrivalHandler = Callable[[PresenceEvent], None]
FollowUp = Callable[[Sequence[PresenceEvent]], ArrivalHandler]

_follow_ups: list[FollowUp] = []


def register(follow_up: FollowUp) -> FollowUp:
    if follow_up not in _follow_ups:
        _follow_ups.append(follow_up)
    return follow_up


def prepare(events: Sequence[PresenceEvent]) -> list[ArrivalHandler]:
    """One handler per registered follow-up, each ready for this batch."""
    return [follow_up(events) for follow_up in _follow_ups]
