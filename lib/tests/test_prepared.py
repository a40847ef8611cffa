"""Prepared reads answer what QuerySet.get() answers, prepared inserts write what save()
writes; both build their SQL once."""

import threading

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext

from lib.prepared import PreparedGet, PreparedInsert
from residents.models import DetailView, Resident
from residents.tests.factories import RegistryPersonFactory
from shelters.models import Method, Stay
from shelters.tests.factories import ShelterFactory


def residents_as_reception_reads_them():
    open_stay = Stay.objects.filter(resident_id=OuterRef("pk"), checked_out_at__isnull=True)
    return (
        Resident.objects.select_related("registry_person")
        .only("name", "registry_person__name", "registry_person__name_kana")
        .annotate(open_stay_pk=Subquery(open_stay.values("pk")[:1]))
    )


class PreparedGetTestCase(TestCase):
    def setUp(self):
        self.builds = 0

        def build(pk):
            self.builds += 1
            return residents_as_reception_reads_them().filter(pk=pk)

        self.read = PreparedGet(build)
        self.taro = Resident.objects.create(registry_person=RegistryPersonFactory())
        self.hanako = Resident.objects.create(
            registry_person=RegistryPersonFactory(name="函館 花子", name_kana="ハコダテ ハナコ")
        )
        self.stay = Stay.objects.create(
            resident=self.hanako, shelter=ShelterFactory(), method=Method.STAFF
        )

    def test_it_reads_what_get_reads(self):
        for resident in (self.taro, self.hanako):
            with self.subTest(resident=resident.pk):
                got = self.read(pk=resident.pk)
                expected = residents_as_reception_reads_them().get(pk=resident.pk)
                self.assertEqual(got.pk, expected.pk)
                # the related row, decrypted, and the annotation
                self.assertEqual(got.registry_person.name, expected.registry_person.name)
                self.assertEqual(got.open_stay_pk, expected.open_stay_pk)
                self.assertEqual(got.get_deferred_fields(), expected.get_deferred_fields())
        self.assertEqual(self.read(pk=self.hanako.pk).open_stay_pk, self.stay.pk)
        self.assertEqual(self.read(pk=self.hanako.pk).registry_person.name, "函館 花子")

    def test_it_answers_none_when_there_is_no_such_row(self):
        self.assertIsNone(self.read(pk=self.hanako.pk + 1000))

    def test_it_builds_the_query_once_and_sends_one_statement_a_read(self):
        for resident in (self.taro, self.hanako, self.taro):
            with CaptureQueriesContext(connection) as run:
                self.assertEqual(self.read(pk=resident.pk).pk, resident.pk)
            self.assertEqual(len(run.captured_queries), 1)
        self.assertEqual(self.builds, 1)

    def test_it_takes_several_ids(self):
        shelter = self.stay.shelter
        read = PreparedGet(lambda pk, shelter_id: Stay.objects.filter(pk=pk, shelter=shelter_id))
        self.assertEqual(read(pk=self.stay.pk, shelter_id=shelter.pk), self.stay)
        self.assertIsNone(read(pk=self.stay.pk, shelter_id=shelter.pk + 1))

    def test_it_refuses_what_is_not_an_id(self):
        for value in ("1", 1.0, None, True):
            with self.subTest(value=value), self.assertRaises(TypeError):
                self.read(pk=value)
        with self.assertRaises(TypeError):
            self.read(id=self.taro.pk)

    def test_an_id_must_reach_the_sql_exactly_once(self):
        ignored = PreparedGet(lambda pk: Resident.objects.filter(pk=self.taro.pk))
        twice = PreparedGet(lambda pk: Resident.objects.filter(pk=pk, registry_person=pk))
        for read in (ignored, twice):
            with self.assertRaises(ValueError):
                read(pk=self.taro.pk)

    def test_more_than_one_row_is_an_error_as_with_get(self):
        read = PreparedGet(lambda pk: Resident.objects.filter(pk__gt=pk))
        with self.assertRaises(Resident.MultipleObjectsReturned):
            read(pk=0)


class PreparedGetThreadsTestCase(TransactionTestCase):
    def test_each_thread_builds_its_own(self):
        # A thread has its own database connection, and its own prepared query.
        builds = []
        read = PreparedGet(lambda pk: builds.append(pk) or Resident.objects.filter(pk=pk))
        taro = Resident.objects.create(registry_person=RegistryPersonFactory())
        self.assertEqual(read(pk=taro.pk), taro)
        answers = []

        def other_thread():
            try:
                answers.append(read(pk=taro.pk))
            finally:
                connection.close()

        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        self.assertEqual(answers, [taro])
        self.assertEqual(len(builds), 2)


class PreparedInsertTestCase(TestCase):
    def setUp(self):
        self.insert = PreparedInsert(DetailView)
        self.resident = Resident.objects.create(registry_person=RegistryPersonFactory())

    def test_it_writes_what_save_writes(self):
        saved = DetailView(resident=self.resident, resident_ref=self.resident.pk, context="admin")
        saved.save()
        self.insert(
            DetailView(resident=self.resident, resident_ref=self.resident.pk, context="admin")
        )
        columns = ("user_id", "resident_id", "resident_ref", "registry_ref", "context")
        first, second = DetailView.objects.order_by("pk").values_list(*columns, "created_at")
        self.assertEqual(first[:-1], second[:-1])
        # auto_now_add, as save() sets it
        self.assertLess(abs((second[-1] - first[-1]).total_seconds()), 5)

    def test_it_sends_one_statement_a_row(self):
        for _ in range(3):
            with CaptureQueriesContext(connection) as run:
                self.insert(DetailView(registry_ref=7, context="reception"))
            self.assertEqual(len(run.captured_queries), 1)
            self.assertTrue(run.captured_queries[0]["sql"].startswith("INSERT"))
        self.assertEqual(DetailView.objects.filter(registry_ref=7).count(), 3)

    def test_several_rows_are_written_together(self):
        with CaptureQueriesContext(connection) as run:
            self.insert(*(DetailView(registry_ref=n, context="roster") for n in range(5)))
        # one batch (Django logs it as "5 times: INSERT …")
        self.assertEqual(len(run.captured_queries), 1)
        self.assertIn("INSERT", run.captured_queries[0]["sql"])
        self.assertEqual(
            sorted(DetailView.objects.values_list("registry_ref", flat=True)), list(range(5))
        )
        self.insert()  # nothing to write
        self.assertEqual(DetailView.objects.count(), 5)

    def test_it_refuses_another_model(self):
        with self.assertRaises(TypeError):
            self.insert(Resident())
