from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from areas.models import Area, ResponderProfile
from hakobou import drill
from lib.roles import Role, has_role


class SeedDrillTestCase(TestCase):
    def seed(self):
        out = StringIO()
        with self.settings(DATA_DIR=self.data_dir):
            call_command("seed_drill", stdout=out)
        return out.getvalue()

    def setUp(self):
        import tempfile
        from pathlib import Path

        self._tmp = tempfile.TemporaryDirectory()
        self.data_dir = Path(self._tmp.name)
        self.addCleanup(self._tmp.cleanup)

    def counts(self):
        return (
            Area.objects.count(),
            get_user_model().objects.count(),
            ResponderProfile.objects.count(),
        )

    def test_running_it_twice_gives_the_same_data(self):
        self.seed()
        first_counts = self.counts()
        registry = self.data_dir / "drill" / drill.REGISTRY_FILE_NAME
        first_bytes = registry.read_bytes()

        self.seed()
        self.assertEqual(self.counts(), first_counts)
        self.assertEqual(registry.read_bytes(), first_bytes)
        self.assertEqual(first_counts, (3, 5, 4))
        from shelters.models import Shelter, ShelterStatusChange

        self.assertEqual(Shelter.objects.count(), len(drill.SHELTERS))
        self.assertEqual(ShelterStatusChange.objects.count(), 2)  # two opened, once
        gym = Shelter.objects.get(name="函館市立青柳小学校 体育館")
        self.assertEqual((gym.status, gym.address), ("open", "北海道函館市青柳町22番13号"))
        self.assertEqual([u.username for u in gym.reception.all()], ["aoyagi-reception"])

    def test_it_seeds_people_sheltering_outside_once(self):
        from evacuation.models import OffShelterReport, PickupRequest
        from evacuation.services import report_end

        output = self.seed()
        self.assertIn("6 people sheltering outside", output)
        reports = OffShelterReport.objects.filter(status="active")
        self.assertEqual(reports.count(), len(drill.EVACUEES))
        self.assertEqual(
            sorted(reports.values_list("area__code", flat=True)),
            ["101", "101", "102", "102", "103", "103"],
        )
        self.assertEqual(PickupRequest.objects.filter(status="requested").count(), 2)
        # A report the drill ended stays ended when the drill data is seeded again.
        report_end(report=reports.first(), reason="returned_home")
        self.seed()
        self.assertEqual(OffShelterReport.objects.count(), len(drill.EVACUEES))
        self.assertEqual(OffShelterReport.objects.filter(status="active").count(), 5)

    def test_it_creates_the_yachigashira_drill(self):
        output = self.seed()
        area = Area.objects.get(code="101")
        self.assertEqual(area.name, "谷地頭町会")
        volunteer = get_user_model().objects.get(username="yachigashira")
        self.assertTrue(has_role(volunteer, Role.VOLUNTEER))
        self.assertEqual(list(volunteer.responder_profile.areas.all()), [area])
        self.assertIn("yachigashira", output)
        self.assertIn("2000 people", output)

    def test_the_registry_sample_is_cp932_with_about_2000_people(self):
        self.seed()
        text = (self.data_dir / "drill" / drill.REGISTRY_FILE_NAME).read_bytes().decode("cp932")
        lines = text.splitlines()
        self.assertTrue(lines[0].startswith("宛名番号,氏名,氏名カナ,生年月日"))
        self.assertEqual(len(lines), 2001)
        self.assertTrue(all(line.split(",")[8] in {"101", "102", "103"} for line in lines[1:]))

    @override_settings(LINE_MODE="live")
    def test_it_refuses_to_run_outside_drill_mode(self):
        with self.assertRaisesMessage(CommandError, "published passwords"):
            call_command("seed_drill", stdout=StringIO())
        self.assertEqual(Area.objects.count(), 0)
