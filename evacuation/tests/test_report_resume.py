"""An interrupted report resumes where it stopped: nothing typed is lost."""

from django.test import Client, TestCase

from evacuation.tests.report_steps import ReportClientMixin
from messaging import simulator
from messaging.models import SimulatedUser


class ReportResumeTestCase(ReportClientMixin, TestCase):
    def setUp(self):
        self.sign_in_with_family()

    def test_it_resumes_at_the_first_question_not_answered(self):
        self.answer_until_people()
        response = self.client.get("/my/report/")
        self.assertRedirects(response, "/my/report/needs/", fetch_redirect_response=False)
        page = self.client.get(response["Location"])
        self.assertContains(page, "入力の途中から続けます。")
        self.assertContains(page, "ステップ 4 / 7")

    def test_it_resumes_on_another_phone_too(self):
        self.answer_until_people()
        other_phone = Client()  # a new session: only the saved draft remains
        user = SimulatedUser.objects.get(user_id=self.account.line_user_id)
        other_phone.post("/my/session/", {"id_token": simulator.id_token_issue(user)})
        self.assertRedirects(
            other_phone.get("/my/report/"), "/my/report/needs/", fetch_redirect_response=False
        )

    def test_a_missing_answer_comes_first(self):
        self.post_step("place", {"place": "car"})
        self.assertRedirects(
            self.client.get("/my/report/"), "/my/report/location/", fetch_redirect_response=False
        )

    def test_a_complete_draft_resumes_at_the_summary(self):
        self.answer_all()
        self.assertRedirects(
            self.client.get("/my/report/"), "/my/report/confirm/", fetch_redirect_response=False
        )

    def test_the_answers_are_shown_again(self):
        self.answer_until_people()
        page = self.client.get("/my/report/place/")
        self.assertContains(
            page,
            '<input type="radio" name="place" value="home" id="id_place_0" required checked>',
            html=True,
        )

    def test_a_later_question_without_a_draft_goes_back_to_the_start(self):
        self.assertRedirects(
            self.client.get("/my/report/needs/"), "/my/report/", fetch_redirect_response=False
        )
