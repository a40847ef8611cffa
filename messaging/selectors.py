"""Messaging — selectors: the reads behind the LINE simulator's inbox, and the outbox's
backlog for /healthz."""

from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, Min, Q
from django.utils import timezone

from messaging.models import OutboxChunk, SimulatedMessage, SimulatedUser

INBOX_PAGE_SIZE = 50
CHAT_MESSAGES_SHOWN = 100


def simulated_user_page(*, query: str, page_number: str | None) -> Page:
    """One page of simulated users, newest first, each with its ``message_count``."""
    users = SimulatedUser.objects.order_by("-created_at", "-id")
    if query:
        users = users.filter(Q(display_name__icontains=query) | Q(user_id=query))
    page = Paginator(users, INBOX_PAGE_SIZE).get_page(page_number)
    # Counted for this page only: a city-wide drill has hundreds of thousands of users.
    counts = dict(
        SimulatedMessage.objects.filter(user__in=[line_user.pk for line_user in page])
        .values_list("user")
        .annotate(n=Count("id"))
    )
    for line_user in page:
        line_user.message_count = counts.get(line_user.pk, 0)
    return page


def chat_message_list(*, line_user: SimulatedUser, after: int = 0) -> list[SimulatedMessage]:
    """The newest messages of a chat, oldest first; with ``after``, those after that id."""
    rows = SimulatedMessage.objects.filter(user=line_user)
    if after:
        return list(rows.filter(pk__gt=after).order_by("pk")[:CHAT_MESSAGES_SHOWN])
    return list(reversed(rows.order_by("-pk")[:CHAT_MESSAGES_SHOWN]))


def chat_message_count(*, line_user: SimulatedUser) -> int:
    return SimulatedMessage.objects.filter(user=line_user).count()


def received_message_get(*, line_user: SimulatedUser, pk: int) -> SimulatedMessage | None:
    """A message this user received (sent to them by the portal), or None."""
    return SimulatedMessage.objects.filter(
        pk=pk, user=line_user, direction=SimulatedMessage.Direction.TO_USER
    ).first()


def outbox_oldest_due() -> datetime | None:
    """When the longest-waiting LINE request became due: a pending chunk's retry time,
    or its message's creation for a first attempt (a chunk waiting out a back-off is not
    due yet). None when nothing is due."""
    now = timezone.now()
    pending = OutboxChunk.objects.filter(status=OutboxChunk.Status.PENDING)
    retries = pending.filter(next_attempt_at__lte=now).aggregate(due=Min("next_attempt_at"))
    first = pending.filter(next_attempt_at__isnull=True).aggregate(due=Min("message__created_at"))
    return min(filter(None, (retries["due"], first["due"])), default=None)
