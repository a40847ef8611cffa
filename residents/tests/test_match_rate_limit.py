import datetime

from django.db.models import F
from django.test import TestCase, override_settings

from limits.models import Counter
from residents.models import Account, MatchAttempt
from residents.registration import Actor, MatchResult, registry_match
from residents.tests.base import ResidentClientMixin
from residents.tests.factories import RegistryPersonFactory

BIRTH = datetime.date(1970, 3, 2)


@override_settings(REGISTRY_MATCH_MAX_FAILURES=5, REGISTRY_MATCH_WINDOW_SECONDS=3600)
class MatchRateLimitTestCase(TestCase):
    def setUp(self):
        self.person = RegistryPersonFactory(name_kana="ハコダテ タロウ", birth_date=BIRTH)
        self.account = Account.objects.create(line_user_id="U" + "1" * 32)
        self.actor = Actor(account=self.account, ip_address="203.0.113.7")

    def guess_wrong(self, actor, times):
        for day in range(1, times + 1):
            registry_match(
                actor=actor, kana="ハコダテ タロウ", birth_date=BIRTH.replace(day=day + 2)
            )

    def test_five_failures_lock_the_account_even_for_the_right_answer(self):
        self.guess_wrong(self.actor, 5)
        outcome = registry_match(actor=self.actor, kana="ハコダテ タロウ", birth_date=BIRTH)
        self.assertEqual(outcome.result, MatchResult.LOCKED)
        self.assertEqual(outcome.candidates, [])

    def test_four_failures_still_allow_a_match(self):
        self.guess_wrong(self.actor, 4)
        outcome = registry_match(actor=self.actor, kana="ハコダテ タロウ", birth_date=BIRTH)
        self.assertEqual(outcome.result, MatchResult.MATCHED)

    def test_a_locked_answer_is_the_same_for_matching_and_non_matching_data(self):
        self.guess_wrong(self.actor, 5)
        right = registry_match(actor=self.actor, kana="ハコダテ タロウ", birth_date=BIRTH)
        wrong = registry_match(actor=self.actor, kana="ダレモ イナイ", birth_date=BIRTH)
        self.assertEqual(right, wrong)

    def test_other_peoples_typos_on_the_same_address_do_not_lock_the_next_person(self):
        for n in range(5):
            other = Account.objects.create(line_user_id=f"U{n:032d}")
            self.guess_wrong(Actor(account=other, ip_address="198.51.100.9"), 1)
        fresh = Actor(account=self.account, ip_address="198.51.100.9")
        outcome = registry_match(actor=fresh, kana="ハコダテ タロウ", birth_date=BIRTH)
        self.assertEqual(outcome.result, MatchResult.MATCHED)

    def test_a_match_does_not_count_against_the_budget(self):
        for _ in range(10):
            registry_match(actor=self.actor, kana="ハコダテ タロウ", birth_date=BIRTH)
        self.guess_wrong(self.actor, 4)
        outcome = registry_match(actor=self.actor, kana="ハコダテ タロウ", birth_date=BIRTH)
        self.assertEqual(outcome.result, MatchResult.MATCHED)

    def test_the_lock_lifts_when_the_window_has_passed(self):
        self.guess_wrong(self.actor, 5)
        Counter.objects.update(window_start=F("window_start") - datetime.timedelta(hours=2))
        outcome = registry_match(actor=self.actor, kana="ハコダテ タロウ", birth_date=BIRTH)
        self.assertEqual(outcome.result, MatchResult.MATCHED)

    def test_every_attempt_is_audited_without_what_was_typed(self):
        self.guess_wrong(self.actor, 5)
        registry_match(actor=self.actor, kana="ハコダテ タロウ", birth_date=BIRTH)
        results = list(MatchAttempt.objects.order_by("pk").values_list("result", flat=True))
        self.assertEqual(results, ["none"] * 5 + ["locked"])
        attempt = MatchAttempt.objects.first()
        self.assertEqual(attempt.account, self.account)
        self.assertEqual(attempt.ip_address, "203.0.113.7")
        stored = " ".join(str(v) for v in MatchAttempt.objects.values().first().values())
        self.assertNotIn("ハコダテ", stored)
        self.assertNotIn("1970", stored)


class LockedPageTestCase(ResidentClientMixin, TestCase):
    @override_settings(REGISTRY_MATCH_MAX_FAILURES=1)
    def test_the_page_says_to_wait_and_offers_manual_entry(self):
        self.sign_in_as_line_user()
        self.client.post("/my/register/consent/", {"agree": "on"})
        self.client.get("/my/register/")
        self.answer(kana="ダレモ イナイ")
        self.answer(kana="ダレモ イナイ")
        page = self.client.get("/my/register/result/")
        self.assertContains(page, "しばらく時間をおいて")
        self.assertContains(page, "/my/register/manual/")


@override_settings(TRUSTED_PROXIES=1, REGISTRY_MATCH_MAX_FAILURES=1)
class BehindTheCitysProxyTestCase(ResidentClientMixin, TestCase):
    """Every request reaches the app from the proxy's address (127.0.0.1 in tests); the
    proxy's X-Forwarded-For says whose it is, so one person's lock is not everyone's."""

    def register(self, ip: str, display_name: str, kana: str) -> None:
        self.client = self.client_class(HTTP_X_FORWARDED_FOR=ip)
        self.sign_in_as_line_user(display_name)
        self.client.post("/my/register/consent/", {"agree": "on"})
        self.client.get("/my/register/")
        self.answer(kana=kana)

    @override_settings(REGISTRY_ADDRESS_SOFT_FAILURES=2, REGISTRY_ADDRESS_MAX_FAILURES=2)
    def test_a_locked_out_address_does_not_lock_out_the_next_person(self):
        RegistryPersonFactory(name_kana="ハコダテ タロウ", birth_date=BIRTH)
        for n in range(3):  # wrong guesses from several accounts, one address
            self.register("1.2.3.4, 203.0.113.7", f"誤入力 {n}", kana="ダレモ イナイ")
        self.register("198.51.100.9", "函館 太郎", kana="ハコダテ タロウ")
        results = list(MatchAttempt.objects.values_list("ip_address", "result").order_by("pk"))
        self.assertEqual(
            results,
            [
                ("203.0.113.7", "none"),
                ("203.0.113.7", "none"),
                ("203.0.113.7", "locked"),
                ("198.51.100.9", "matched"),
            ],
        )
