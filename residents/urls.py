from django.urls import path

from residents import language, views

app_name = "residents"

# The registration wizard's steps, mounted twice: for residents under /my/, and for
# staff and volunteers registering someone on their behalf (代理登録) beside the dashboard.
REGISTRATION_STEPS = [
    ("", views.register_start, "start"),
    ("consent/", views.register_consent, "consent"),
    ("kana/", views.register_kana, "kana"),
    ("birth/", views.register_birth, "birth"),
    ("result/", views.register_result, "result"),
    ("narrow/", views.register_narrow, "narrow"),
    ("confirm/", views.register_confirm, "confirm"),
    ("manual/", views.register_manual, "manual"),
    ("done/", views.register_done, "done"),
]


def registration_patterns(flow: str, prefix: str) -> list:
    return [
        path(
            f"{prefix}register/{route}", view, {"flow": flow}, name=views.step_url_name(flow, name)
        )
        for route, view, name in REGISTRATION_STEPS
    ]


urlpatterns = [
    path("my/", views.home, name="home"),
    path("my/start/", views.start, name="start"),
    path("my/session/", views.line_session, name="line-session"),
    path("my/simulator-session/", views.simulator_session, name="simulator-session"),
    path("my/web/", views.web_session, name="web-session"),
    path("my/web/code/", views.recovery_code, name="recovery-code"),
    path("my/recover/", views.recover, name="recover"),
    path("my/sign-out/", views.sign_out_view, name="sign-out"),
    # The footer's language switcher: Django's set_language, remembered for the account.
    path("my/language/", language.set_language, name="set-language"),
    path("my/residents/<int:pk>/", views.resident_detail, name="resident"),
    path("my/residents/<int:pk>/unlink/", views.resident_unlink, name="resident-unlink"),
    path("my/withdraw/", views.withdraw, name="withdraw"),
    *registration_patterns(views.RESIDENT, prefix="my/"),
    *registration_patterns(views.HELPER, prefix="dashboard/"),
]
