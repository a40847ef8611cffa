from django.test import SimpleTestCase

from lib.client_ip import client_ip

PROXY = "10.0.0.5"


class ClientIpTestCase(SimpleTestCase):
    def test_without_proxies_it_is_the_address_the_request_came_from(self):
        meta = {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
        self.assertEqual(client_ip(meta, trusted_proxies=0), "203.0.113.7")

    def test_behind_one_proxy_it_is_the_address_that_proxy_saw(self):
        meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
        self.assertEqual(client_ip(meta, trusted_proxies=1), "203.0.113.7")

    def test_a_client_cannot_choose_its_address_by_sending_the_header_itself(self):
        meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.7"}
        self.assertEqual(client_ip(meta, trusted_proxies=1), "203.0.113.7")

    def test_behind_two_proxies_it_is_the_address_the_outer_one_saw(self):
        meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.7, 10.0.0.9"}
        self.assertEqual(client_ip(meta, trusted_proxies=2), "203.0.113.7")

    def test_a_request_that_skipped_the_proxies_counts_as_the_sender_itself(self):
        self.assertEqual(client_ip({"REMOTE_ADDR": PROXY}, trusted_proxies=1), PROXY)
        meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
        self.assertEqual(client_ip(meta, trusted_proxies=2), PROXY)

    def test_something_that_is_not_an_address_is_not_used(self):
        meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "unknown"}
        self.assertEqual(client_ip(meta, trusted_proxies=1), PROXY)

    def test_ipv6_addresses_are_kept_in_their_short_form(self):
        meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": " 2001:db8:0:0::1 "}
        self.assertEqual(client_ip(meta, trusted_proxies=1), "2001:db8::1")
