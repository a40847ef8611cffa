"""The header links city staff to the admin site; volunteers, reception and visitors
never see it."""

from areas.services import responder_upsert
from hakobou.testing.cast import PASSWORD, BaseTestCase
from lib.roles import Role

ADMIN_LINK = '<a href="/admin/">管理画面</a>'


class HeaderAdminLinkTestCase(BaseTestCase):
    def test_staff_see_a_link_to_the_admin_site(self):
        self.client.force_login(self.staff)
        for url in ("/dashboard/", "/dashboard/shelters/", "/"):
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), ADMIN_LINK, html=True)

    def test_volunteers_reception_and_visitors_do_not(self):
        reception = responder_upsert(
            username="reception-a", password=PASSWORD, role=Role.RECEPTION, areas=[self.area_a]
        )
        for user in (self.volunteer_a, reception):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertNotContains(self.client.get("/dashboard/"), "/admin/")
        self.client.logout()
        self.assertNotContains(self.client.get("/"), "/admin/")
