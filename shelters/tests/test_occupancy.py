from django.test import TestCase

from shelters.models import Method
from shelters.selectors import congestion, occupancy
from shelters.services import stay_check_in, stay_check_out
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident


class OccupancyTestCase(TestCase):
    def test_people_present_count_companions_and_leave_on_check_out(self):
        shelter = ShelterFactory(capacity=10)
        first, second = make_resident("一 花子"), make_resident("二 太郎")
        stay_check_in(resident=first, shelter=shelter, method=Method.POSTER_QR, companions=3)
        stay_check_in(resident=second, shelter=shelter, method=Method.POSTER_QR)
        self.assertEqual(occupancy(shelter).people, 5)
        stay_check_out(resident=first)
        self.assertEqual(occupancy(shelter).people, 1)

    def test_congestion_follows_capacity_and_the_full_status(self):
        cases = [
            (0, 10, "open", "available"),
            (7, 10, "open", "available"),
            (8, 10, "open", "crowded"),
            (10, 10, "open", "full"),
            (2, 10, "full", "full"),
        ]
        for people, capacity, status, expected in cases:
            with self.subTest(people=people, status=status):
                self.assertEqual(
                    congestion(people=people, capacity=capacity, status=status), expected
                )
