"""Every page names its icon (an SVG in static/), so a tab or a home-screen shortcut
shows Hakobou's instead of a blank one."""

from django.contrib.staticfiles import finders
from django.test import TestCase


class FaviconTestCase(TestCase):
    def test_every_page_links_the_icon_and_the_icon_is_there(self):
        for url in ("/", "/shelters/", "/login/"):
            with self.subTest(url=url):
                self.assertContains(
                    self.client.get(url),
                    '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">',
                    html=True,
                )
        icon = finders.find("favicon.svg")
        self.assertIsNotNone(icon)
        with open(icon, encoding="utf-8") as svg:
            self.assertTrue(svg.read().startswith("<svg"))
