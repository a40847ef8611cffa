"""HTTP face of the LINE simulator. Mounted only in simulator mode (see hakobou/urls.py)."""

import json
import time

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from messaging import simulator


@csrf_exempt  # an API called server-to-server, like LINE's own
@require_POST
def simulator_verify_id_token(request: HttpRequest) -> JsonResponse:
    outcome = simulator.id_token_verify(
        id_token=request.POST.get("id_token"), client_id=request.POST.get("client_id")
    )
    return JsonResponse(outcome.body, status=outcome.status)


def _answer(outcome: simulator.ApiOutcome) -> JsonResponse:
    if outcome.delay_after:
        # Accepted and stored, but the answer comes too late: the sender cannot tell
        # whether it got through (the case retry keys exist for).
        time.sleep(outcome.delay_after)
    response = JsonResponse(outcome.body, status=outcome.status)
    response["x-line-request-id"] = outcome.body.get("x-line-request-id", "")
    return response


@csrf_exempt
@require_POST
def simulator_send(request: HttpRequest, endpoint: str) -> JsonResponse:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"message": "The request body has 1 error(s)"}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"message": "The request body has 1 error(s)"}, status=400)
    outcome = simulator.api_send(
        endpoint=endpoint,
        body=body,
        retry_key=request.headers.get("X-Line-Retry-Key"),
        authorization=request.headers.get("Authorization"),
    )
    return _answer(outcome)


@require_GET
def simulator_profile(request: HttpRequest, user_id: str) -> JsonResponse:
    outcome = simulator.api_profile(
        user_id=user_id, authorization=request.headers.get("Authorization")
    )
    return _answer(outcome)
