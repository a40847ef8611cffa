"""The dashboard's JSON API, mounted at /api/ by the project's URLconf."""

from django.urls import path

from dashboard.api import deliveries, delivery_steps, evacuees, layers, pickups, segments

app_name = "dashboard-api"
urlpatterns = [
    path("map/evacuees", layers.EvacueeLayerApi.as_view(), name="evacuee-layer"),
    path("map/pickups", layers.PickupLayerApi.as_view(), name="pickup-layer"),
    path("map/deliveries", layers.DeliveryLayerApi.as_view(), name="delivery-layer"),
    path("evacuees", evacuees.EvacueeListApi.as_view(), name="evacuees"),
    path("evacuees/<int:pk>", evacuees.EvacueeDetailApi.as_view(), name="evacuee"),
    path("evacuees/<int:pk>/dismiss", evacuees.DismissApi.as_view(), name="dismiss"),
    path("evacuees/<int:pk>/suspend", evacuees.SuspendApi.as_view(), name="suspend"),
    path("pickups/<int:pk>/claim", pickups.ClaimApi.as_view(), name="claim"),
    path("pickups/<int:pk>/release", pickups.ReleaseApi.as_view(), name="release"),
    path("pickups/<int:pk>/hand-over", pickups.HandOverApi.as_view(), name="hand-over"),
    path(
        "pickups/<int:pk>/handover-candidates",
        pickups.HandOverCandidatesApi.as_view(),
        name="handover-candidates",
    ),
    path("pickups/<int:pk>/picked-up", pickups.PickedUpApi.as_view(), name="picked-up"),
    path("pickups/<int:pk>/arrived", pickups.ArrivedApi.as_view(), name="arrived"),
    path("pickups/<int:pk>/unable", pickups.UnableApi.as_view(), name="unable"),
    path("pickups/<int:pk>/notes", pickups.NoteApi.as_view(), name="notes"),
    path("deliveries", deliveries.DeliveryListApi.as_view(), name="deliveries"),
    path("deliveries/<int:pk>", deliveries.DeliveryDetailApi.as_view(), name="delivery"),
    path("deliveries/<int:pk>/deliver", delivery_steps.DeliverApi.as_view(), name="deliver"),
    path("deliveries/<int:pk>/not-home", delivery_steps.NotHomeApi.as_view(), name="not-home"),
    path("deliveries/<int:pk>/refuse", delivery_steps.RefuseApi.as_view(), name="refuse"),
    path(
        "deliveries/<int:pk>/release",
        delivery_steps.ReleaseApi.as_view(),
        name="delivery-release",
    ),
    path("deliveries/<int:pk>/resolve", delivery_steps.ResolveApi.as_view(), name="resolve"),
    path("rounds/<int:pk>/take", delivery_steps.TakeApi.as_view(), name="take"),
    path(
        "batches/<int:pk>/hand-over",
        delivery_steps.BatchHandOverApi.as_view(),
        name="batch-hand-over",
    ),
    path(
        "batches/<int:pk>/handover-candidates",
        delivery_steps.BatchHandOverCandidatesApi.as_view(),
        name="batch-handover-candidates",
    ),
    path("segments/conditions", segments.SegmentConditionsApi.as_view(), name="segment-conditions"),
    path("segments/count", segments.SegmentCountApi.as_view(), name="segment-count"),
]

# City notices: a notice's delivery report, polled by its page.
from dashboard.api import notices  # noqa: E402

urlpatterns += [
    path("notices/<int:pk>/report", notices.NoticeReportApi.as_view(), name="notice-report"),
]
