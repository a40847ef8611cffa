"""Each request reads the signed-in user afresh (prepared query): changes count at once."""

from django.contrib.auth import SESSION_KEY

from hakobou.testing.cast import BaseTestCase
from residents.auth import ModelBackend

BOARD = "/dashboard/shelters/"


class SignedInUserTestCase(BaseTestCase):
    def test_it_reads_the_user_the_session_names(self):
        for user in (self.staff, self.volunteer_a, self.volunteer_b):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(BOARD)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.wsgi_request.user, user)

    def test_a_user_deactivated_after_signing_in_is_signed_out_at_the_next_request(self):
        self.client.force_login(self.volunteer_a)
        self.assertEqual(self.client.get(BOARD).status_code, 200)
        self.volunteer_a.is_active = False
        self.volunteer_a.save()
        response = self.client.get(BOARD)
        self.assertFalse(response.wsgi_request.user.is_authenticated)

    def test_a_password_change_elsewhere_signs_the_session_out(self):
        self.client.force_login(self.volunteer_a)
        self.volunteer_a.set_password("a-new-password-for-the-shift")
        self.volunteer_a.save()
        response = self.client.get(BOARD)
        self.assertFalse(response.wsgi_request.user.is_authenticated)

    def test_a_session_naming_no_user_or_no_id_is_nobody(self):
        backend = ModelBackend()
        self.assertIsNone(backend.get_user(self.volunteer_b.pk + 1000))
        self.assertIsNone(backend.get_user("not-an-id"))
        self.assertEqual(backend.get_user(str(self.staff.pk)), self.staff)
        session = self.client.session
        session[SESSION_KEY] = "9999999"
        session.save()
        self.assertFalse(self.client.get(BOARD).wsgi_request.user.is_authenticated)
