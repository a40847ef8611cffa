"""HTTP face of the LINE simulator. Mounted only in simulator mode (see hakobou/urls.py)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from messaging import simulator


@csrf_exempt  # an API called server-to-server, like LINE's own
@require_POST
def simulator_verify_id_token(request: HttpRequest) -> JsonResponse:
    outcome = simulator.id_token_verify(
        id_token=request.POST.get("id_token"), client_id=request.POST.get("client_id")
    )
    return JsonResponse(outcome.body, status=outcome.status)
