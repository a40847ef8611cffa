"""Helpers for residents' tests: a signed-in resident and the wizard's steps."""

from messaging import simulator
from residents.registration import account_from_id_token


class ResidentClientMixin:
    def sign_in_as_line_user(self, display_name="函館 花子"):
        user = simulator.simulated_user_create(display_name=display_name)
        response = self.client.post("/my/session/", {"id_token": simulator.id_token_issue(user)})
        assert response.status_code == 200, response.content
        return account_from_id_token(id_token=simulator.id_token_issue(user))

    def answer(self, kana="ハコダテ タロウ", era="昭和", year=45, month=3, day=2, prefix="/my/"):
        self.client.post(f"{prefix}register/kana/", {"kana": kana})
        return self.client.post(
            f"{prefix}register/birth/", {"era": era, "year": year, "month": month, "day": day}
        )
