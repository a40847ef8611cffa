from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from lib.synthetic_registry import COLUMNS
from residents.models import ImportRun, RegistryPerson
from residents.tests.registry_files import ImportTestCase, person, write_extract

ADD_URL = "/admin/residents/importrun/add/"


class ImportAdminTestCase(ImportTestCase):
    def setUp(self):
        super().setUp()
        self.data_dir = self.tmp / "data"
        self.enterContext(override_settings(DATA_DIR=self.data_dir))

    def upload(self, rows, header=COLUMNS, **fields) -> ImportRun:
        path = write_extract(self.tmp / "upload.csv", rows, header=header)
        data = {
            "file": SimpleUploadedFile("住基_2025.csv", path.read_bytes(), "text/csv"),
            "encoding": "auto",
            "scope": "full",
            **fields,
        }
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(ADD_URL, data)
        run = ImportRun.objects.get()
        self.assertRedirects(response, f"/admin/residents/importrun/{run.pk}/change/")
        return run

    def test_it_shows_staff_an_import_button_and_the_upload_page(self):
        self.client.force_login(self.staff)
        self.assertContains(self.client.get("/admin/residents/importrun/"), ADD_URL)
        page = self.client.get(ADD_URL)
        self.assertContains(page, 'enctype="multipart/form-data"')
        self.assertContains(page, "自動判定")

    def test_it_imports_an_upload_and_reports_progress_until_done(self):
        self.client.force_login(self.staff)
        run = self.upload([person("0000000001"), person("0000000002", 氏名カナ="")])

        progress = self.client.get(f"/admin/residents/importrun/{run.pk}/progress.json").json()
        self.assertEqual(progress["status"], "done")
        self.assertTrue(progress["finished"])
        self.assertEqual(
            (progress["rows_read"], progress["rows_imported"], progress["rows_failed"]), (2, 1, 1)
        )
        page = self.client.get(f"/admin/residents/importrun/{run.pk}/change/")
        self.assertContains(page, "1 件を取り込みました")
        self.assertContains(page, "<td>3</td><td>氏名カナが空です</td>", html=True)
        self.assertNotContains(page, "setTimeout(poll")

        run.refresh_from_db()
        self.assertEqual((run.file_name, run.created_by), ("住基_2025.csv", self.staff))
        self.assertTrue(RegistryPerson.objects.filter(resident_number="0000000001").exists())

    def test_it_polls_while_a_run_is_queued(self):
        self.client.force_login(self.staff)
        run = ImportRun.objects.create(file_name="queued.csv")
        page = self.client.get(f"/admin/residents/importrun/{run.pk}/change/")
        self.assertContains(page, "setTimeout(poll")
        progress = self.client.get(f"/admin/residents/importrun/{run.pk}/progress.json").json()
        self.assertEqual((progress["status"], progress["finished"]), ("queued", False))

    def test_it_asks_again_when_no_file_was_chosen(self):
        self.client.force_login(self.staff)
        page = self.client.post(ADD_URL, {"encoding": "auto", "scope": "full"})
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "errorlist")
        self.assertFalse(ImportRun.objects.exists())

    def test_it_shows_why_a_run_failed(self):
        self.client.force_login(self.staff)
        run = self.upload([["0000000001", "山田　太郎"]], header=["宛名番号", "氏名"])
        page = self.client.get(f"/admin/residents/importrun/{run.pk}/change/")
        self.assertContains(page, "必須の列がありません")
        self.assertEqual(
            self.client.get(f"/admin/residents/importrun/{run.pk}/progress.json").json()["status"],
            "failed",
        )

    def test_it_passes_the_chosen_encoding_and_scope_to_the_run(self):
        self.client.force_login(self.staff)
        run = self.upload([person()], encoding="cp932", scope="partial")
        run.refresh_from_db()
        self.assertEqual((run.encoding, run.full_extract), ("cp932", False))

    def test_it_deletes_the_stored_upload_when_the_run_finishes(self):
        self.client.force_login(self.staff)
        run = self.upload([person()])
        run.refresh_from_db()
        stored = Path(run.stored_path)
        self.assertEqual(stored.parent, self.data_dir / "imports")
        self.assertFalse(stored.exists())

    def test_it_refuses_volunteers(self):
        self.client.force_login(self.volunteer_a)
        run = ImportRun.objects.create(file_name="x.csv")
        for url in (
            ADD_URL,
            "/admin/residents/importrun/",
            f"/admin/residents/importrun/{run.pk}/change/",
            f"/admin/residents/importrun/{run.pk}/progress.json",
        ):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith("/admin/login/"))
        path = write_extract(self.tmp / "upload.csv", [person()])
        response = self.client.post(
            ADD_URL,
            {"file": SimpleUploadedFile("x.csv", path.read_bytes()), "scope": "full"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ImportRun.objects.count(), 1)
        self.assertFalse(RegistryPerson.objects.exists())
