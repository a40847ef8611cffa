"""After an arrival at a shelter: what apps above registered runs (shelters.arrivals;
evacuation ends the person's out-of-shelter report) and the person's LINE accounts hear
where they are. Neither is done in the check-in's transaction: reception's answer should not
wait for report look-ups, account look-ups and outbox rows. The arrival's event row
says its follow-up is due (committed with the stay, so it cannot be lost); the first
arrival to commit wakes a task a moment later, which handles every arrival due by
then, and a beat sweep picks up any a lost task left. Under load that is one task a
second, not one per scan.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from lib.tasks import publish, runs_inline
from messaging.services import outbox_enqueue_text
from residents.models import ResidentLink
from shelters import arrivals
from shelters.models import Method, PresenceEvent

logger = logging.getLogger(__name__)

_WAKE_KEY = "shelters:arrival-follow-ups:woken"  # holds the queued task's ETA (time.time())
# How long a wake-up counts as pending: a lost task is replaced after this, and the
# sweep runs every 30 s anyway.
_WAKE_TTL_SECONDS = 30
# A task queued for later starts no earlier than its ETA and reads every arrival
# committed before it starts. Until shortly before that ETA (clocks of web and worker
# hosts may differ a little) this process's arrivals need no wake-up of their own: under
# load that saves a Redis round trip on nearly every scan.
_COVER_MARGIN_SECONDS = 0.5


@dataclass
class _Cover:
    until: float = 0.0  # time.time()


_cover = _Cover()


def arrival_follow_ups_wake() -> None:
    """After an arrival commits: make sure a task follows it up soon."""
    from shelters.tasks import arrival_follow_ups_task

    now = time.time()
    if now < _cover.until:
        return  # the task already queued will take this arrival too
    delay = settings.ARRIVAL_FOLLOW_UP_DELAY_SECONDS
    try:
        if not cache.add(_WAKE_KEY, now + delay, timeout=_WAKE_TTL_SECONDS):
            # A task is already on its way and will take this arrival too; when it
            # starts says how long it covers the next ones.
            _cover_until(cache.get(_WAKE_KEY))
            return
    except Exception:  # the cache is down: wake a task anyway
        logger.warning("arrival follow-ups: cache unreachable; waking a task regardless")
    try:
        publish(arrival_follow_ups_task, countdown=delay)
    except Exception:  # the broker is down: the sweep follows up later
        logger.warning("arrival follow-ups: could not queue the task; the sweep will")
        return
    _cover_until(now + delay)


def _cover_until(eta: object) -> None:
    # Tasks run inline (tests, `make run` without Redis) start at once, not at their ETA.
    if isinstance(eta, float) and not runs_inline():
        _cover.until = eta - _COVER_MARGIN_SECONDS


def arrival_follow_ups(*, batch: int = 500) -> int:
    """Follow up every arrival that is due: what apps above registered runs (shelters.
    arrivals: the person leaves the out-of-shelter reports made before they arrived),
    and their LINE accounts hear where they arrived (a pickup's arrival sends its own
    message). Returns how many arrivals were handled.
    Each is handled once: what it writes and the cleared flag commit together, two
    workers skip each other's rows, and the outbox's dedupe key holds even so. One
    arrival that fails (logged) stays due for the next sweep and holds up no other."""
    try:
        # Before reading: an arrival committed after this wakes a task of its own.
        cache.delete(_WAKE_KEY)
    except Exception:
        logger.warning("arrival follow-ups: cache unreachable")
    handled, failed = 0, set()
    while True:
        with transaction.atomic():
            events = list(
                PresenceEvent.objects.filter(follow_up_due=True)
                .exclude(pk__in=failed)
                .select_related("resident__registry_person", "shelter")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:batch]
            )
            handlers = arrivals.prepare(events)
            # Each person's LINE users: (user id, is it the person's own account).
            line_users: dict[int, list[tuple[str, bool]]] = defaultdict(list)
            for resident_id, user_id, relation in ResidentLink.objects.filter(
                resident_id__in={event.resident_id for event in events},
                account__line_user_id__isnull=False,
            ).values_list("resident_id", "account__line_user_id", "relation"):
                line_users[resident_id].append((user_id, relation == ResidentLink.Relation.SELF))
            done = []
            for event in events:
                try:
                    with transaction.atomic():
                        for handle in handlers:
                            handle(event)
                        if event.method != Method.PICKUP_ARRIVAL:
                            _notify_arrival(event, line_users[event.resident_id])
                except Exception:
                    logger.exception("arrival follow-up of presence event %s failed", event.pk)
                    failed.add(event.pk)
                else:
                    done.append(event.pk)
            PresenceEvent.objects.filter(pk__in=done).update(follow_up_due=False)
        handled += len(done)
        if len(events) < batch:
            return handled


def _notify_arrival(event: PresenceEvent, line_users: list[tuple[str, bool]]) -> None:
    """Tell the person's LINE accounts where they arrived, in each account's language:
    their own in the second person (「避難所「…」に到着しました」), whoever registered
    them as family by name (「〇〇さんが「…」に到着しました」)."""
    resident, shelter = event.resident, event.shelter
    values = {
        "name": resident.display_name,
        "shelter": shelter.name,
        "time": localtime(event.created_at).strftime("%H:%M"),
    }
    own = [user_id for user_id, is_self in line_users if is_self]
    family = [user_id for user_id, is_self in line_users if not is_self and user_id not in own]
    if own:
        outbox_enqueue_text(
            user_ids=own,
            text=lambda: _("避難所「%(shelter)s」に到着しました（%(time)s）。") % values,
            purpose="shelter_arrival",
            dedupe_key=f"presence:{event.pk}",
        )
    if family:
        outbox_enqueue_text(
            user_ids=family,
            text=lambda: _("%(name)s さんが「%(shelter)s」に到着しました（%(time)s）。") % values,
            purpose="shelter_arrival",
            dedupe_key=f"presence:{event.pk}:family",
        )
