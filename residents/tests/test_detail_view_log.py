"""Staff views of people's details in admin are logged: who viewed whom, when."""

from hakobou.testing.cast import BaseTestCase
from residents.models import Account, DetailView
from residents.tests.factories import RegistryPersonFactory
from residents.tests.test_own_data import manual


class AdminDetailViewLogTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.staff)

    def test_opening_a_registry_record_is_logged(self):
        person = RegistryPersonFactory()
        self.client.get(f"/admin/residents/registryperson/{person.pk}/change/")
        log = DetailView.objects.get()
        self.assertEqual(
            (log.user, log.registry_ref, log.context), (self.staff, person.pk, "admin")
        )

    def test_the_registry_list_logs_each_person_shown(self):
        people = [RegistryPersonFactory() for _ in range(3)]
        self.client.get("/admin/residents/registryperson/")
        self.assertEqual(
            sorted(DetailView.objects.values_list("registry_ref", flat=True)),
            sorted(person.pk for person in people),
        )

    def test_opening_a_resident_is_logged_and_survives_their_withdrawal(self):
        resident = manual(Account.objects.create())
        self.client.get(f"/admin/residents/resident/{resident.pk}/change/")
        pk = resident.pk
        resident.delete()
        log = DetailView.objects.get()
        self.assertEqual((log.resident, log.resident_ref), (None, pk))

    def test_the_log_itself_cannot_be_edited(self):
        self.client.get("/admin/residents/registryperson/")
        response = self.client.post("/admin/residents/detailview/add/", {})
        self.assertEqual(response.status_code, 403)
