from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("住民・登録")

    def ready(self) -> None:
        from django.urls import reverse

        from messaging import browser_identity, friends, segments
        from residents import segments as resident_segments
        from residents.identity import current_account
        from residents.registration import account_for_follower

        def line_user_of(request) -> str | None:
            account = current_account(request)
            return account.line_user_id if account is not None else None

        # The simulator's inbox asks who this browser is; residents signs people in.
        browser_identity.provide(
            browser_identity.BrowserIdentity(
                line_user_of=line_user_of, sign_in_url=lambda: reverse("residents:start")
            )
        )
        friends.when_followed(account_for_follower)
        # Who a city message can be for, and the conditions over people's registration.
        segments.set_audience(resident_segments.AUDIENCE)
        for condition in resident_segments.CONDITIONS:
            segments.register(condition)
