from django.test import TestCase

from hakobou.testing.cast import BaseTestCase
from residents.models import Account, ResidentLink, TakeoverRequest
from residents.registration import (
    LinkResult,
    resident_link_registry,
    takeover_decide,
)
from residents.tests.base import ResidentClientMixin
from residents.tests.factories import RegistryPersonFactory

SELF, FAMILY = ResidentLink.Relation.SELF, ResidentLink.Relation.FAMILY


class FamilyTestCase(ResidentClientMixin, TestCase):
    def setUp(self):
        self.me = RegistryPersonFactory(household_number="00000001")
        self.spouse = RegistryPersonFactory(
            name="函館 花子", name_kana="ハコダテ ハナコ", household_number="00000001"
        )
        self.stranger = RegistryPersonFactory(
            name="青柳 次郎", name_kana="アオヤギ ジロウ", household_number="00000099"
        )
        self.account = self.sign_in_as_line_user()
        resident_link_registry(account=self.account, person=self.me, relation=SELF)

    def test_family_of_the_same_household_is_linked_at_once(self):
        self.client.get("/my/register/?for=family")
        self.answer(kana="ハコダテ ハナコ")
        self.assertContains(self.client.get("/my/register/result/"), "はい、この方です")
        self.client.post("/my/register/confirm/")
        self.assertTrue(
            ResidentLink.objects.filter(
                account=self.account, resident__registry_person=self.spouse, relation=FAMILY
            ).exists()
        )
        self.assertContains(self.client.get("/my/"), "函館 花子")

    def test_family_outside_the_household_waits_for_staff(self):
        self.client.get("/my/register/?for=family")
        self.answer(kana="アオヤギ ジロウ")
        self.client.post("/my/register/confirm/")
        self.assertContains(self.client.get("/my/register/done/"), "市の担当者が確認してから")
        self.assertFalse(
            ResidentLink.objects.filter(resident__registry_person=self.stranger).exists()
        )
        self.assertEqual(TakeoverRequest.objects.get().status, TakeoverRequest.Status.PENDING)
        self.assertContains(self.client.get("/my/"), "確認待ち")

    def test_the_family_step_count_has_no_consent_step(self):
        self.client.get("/my/register/?for=family")
        self.assertContains(self.client.get("/my/register/kana/"), "ステップ 1 / 3")


class TakeoverTestCase(BaseTestCase):
    def setUp(self):
        self.person = RegistryPersonFactory()
        self.first = Account.objects.create(line_user_id="U" + "a" * 32)
        self.second = Account.objects.create(line_user_id="U" + "b" * 32)
        resident_link_registry(account=self.first, person=self.person, relation=SELF)

    def test_a_resident_linked_elsewhere_is_not_taken_over_silently(self):
        outcome = resident_link_registry(account=self.second, person=self.person, relation=SELF)
        self.assertEqual(outcome.result, LinkResult.PENDING)
        owner = ResidentLink.objects.get(resident=outcome.resident, relation=SELF)
        self.assertEqual(owner.account, self.first)

    def test_staff_approval_moves_the_link(self):
        resident_link_registry(account=self.second, person=self.person, relation=SELF)
        request = TakeoverRequest.objects.get()
        takeover_decide(request=request, approve=True, user=self.staff)
        owner = ResidentLink.objects.get(resident__registry_person=self.person, relation=SELF)
        self.assertEqual(owner.account, self.second)
        request.refresh_from_db()
        self.assertEqual(request.status, TakeoverRequest.Status.APPROVED)
        self.assertEqual(request.decided_by, self.staff)

    def test_staff_rejection_leaves_the_link_alone(self):
        resident_link_registry(account=self.second, person=self.person, relation=SELF)
        takeover_decide(request=TakeoverRequest.objects.get(), approve=False, user=self.staff)
        owner = ResidentLink.objects.get(resident__registry_person=self.person, relation=SELF)
        self.assertEqual(owner.account, self.first)

    def test_asking_twice_files_one_request(self):
        resident_link_registry(account=self.second, person=self.person, relation=SELF)
        resident_link_registry(account=self.second, person=self.person, relation=SELF)
        self.assertEqual(TakeoverRequest.objects.count(), 1)
