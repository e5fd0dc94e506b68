"""Behind a TLS proxy: ROSTRA_SITE_URL=https://… makes browser POSTs work (trusted origin,
proxy header), cookies Secure and HSTS on; a plain loopback address keeps all of that off.
Every page carries a Content-Security-Policy; the login is throttled; the data dir is private."""

from __future__ import annotations

import stat
import subprocess
import sys
import textwrap

import pytest
from django.test import Client

from rostra.core.csp import EMBED_POLICY, POLICY
from rostra.core.transport import transport_settings
from tests.mediafactory import write_audio
from tests.public.content import build_archive
from tests.review.conftest import PASSWORD, admin_ada, fast_password_hashing  # noqa: F401

pytestmark = pytest.mark.django_db

HTTPS_SITE = "https://talks.example.org"


@pytest.fixture
def behind_tls_proxy(settings):
    for name, value in transport_settings(HTTPS_SITE).items():
        setattr(settings, name, value)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "talks.example.org"]


@pytest.fixture(autouse=True)
def clear_cache():
    from django.core.cache import cache

    cache.clear()


def test_https_site_url_turns_on_every_transport_setting():
    https = transport_settings(HTTPS_SITE + "/")
    assert https["CSRF_TRUSTED_ORIGINS"] == [HTTPS_SITE]
    assert https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"]
    assert https["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert https["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    loopback = transport_settings("http://127.0.0.1:8000")
    assert loopback["CSRF_TRUSTED_ORIGINS"] == [] and not loopback["SESSION_COOKIE_SECURE"]
    assert loopback["SECURE_HSTS_SECONDS"] == 0 and loopback["SECURE_PROXY_SSL_HEADER"] is None


def test_settings_module_reads_the_https_site_url(tmp_path):
    """The real settings module, in a fresh process, with the variable a deployment sets."""
    code = textwrap.dedent("""
        import django, json
        from django.conf import settings
        django.setup()
        print(json.dumps([settings.CSRF_TRUSTED_ORIGINS, settings.SESSION_COOKIE_SECURE,
                          settings.SECURE_HSTS_SECONDS, list(settings.SECURE_PROXY_SSL_HEADER),
                          "talks.example.org" in settings.ALLOWED_HOSTS]))
    """)
    env = {"PATH": "/usr/bin:/bin", "ROSTRA_DATA_DIR": str(tmp_path / "data"),
           "ROSTRA_SITE_URL": HTTPS_SITE, "DJANGO_SETTINGS_MODULE": "rostra.settings",
           "PYTHONPATH": ":".join(sys.path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (f'[["{HTTPS_SITE}"], true, 31536000, '
                                   '["HTTP_X_FORWARDED_PROTO", "https"], true]')


def test_a_browser_login_post_through_the_tls_proxy_works(behind_tls_proxy, admin_ada):
    browser = Client(enforce_csrf_checks=True)
    proxy = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "talks.example.org"}
    page = browser.get("/en/review/login/", **proxy)
    assert page.status_code == 200
    assert page.cookies["csrftoken"]["secure"]
    token = page.cookies["csrftoken"].value
    response = browser.post("/en/review/login/",
                            {"username": admin_ada.username, "password": PASSWORD,
                             "csrfmiddlewaretoken": token},
                            HTTP_ORIGIN=HTTPS_SITE, HTTP_REFERER=HTTPS_SITE + "/en/review/login/",
                            **proxy)
    assert response.status_code == 302, response.content[:400]
    assert response.cookies["sessionid"]["secure"]
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_post_from_another_origin_is_still_refused(behind_tls_proxy, admin_ada):
    browser = Client(enforce_csrf_checks=True)
    proxy = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "talks.example.org"}
    token = browser.get("/en/review/login/", **proxy).cookies["csrftoken"].value
    response = browser.post("/en/review/login/",
                            {"username": admin_ada.username, "password": PASSWORD,
                             "csrfmiddlewaretoken": token},
                            HTTP_ORIGIN="https://elsewhere.example.net", **proxy)
    assert response.status_code == 403


@pytest.fixture
def archive(data_dir, tmp_path):
    return build_archive(media_path=write_audio(tmp_path / "talk.webm", seconds=2.0))


@pytest.mark.parametrize("url", ["/en/", "/fa/speeches/smart-cities/", "/en/search/?q=water",
                                 "/en/review/login/", "/api/events", "/api/docs",
                                 "/feeds/en/speeches.atom", "/en/no-such-page/"])
def test_every_answer_has_a_content_security_policy(client, archive, url):
    response = client.get(url)
    assert response["Content-Security-Policy"] == POLICY
    assert "script-src 'self'" in POLICY and "unsafe-inline" not in POLICY.split("script-src")[1].split(";")[0]


def test_the_embed_page_may_still_be_framed(client, archive):
    response = client.get("/en/speeches/smart-cities/embed/")
    assert response["Content-Security-Policy"] == EMBED_POLICY
    assert "frame-ancestors *" in EMBED_POLICY
    assert "X-Frame-Options" not in response


def test_thirty_wrong_passwords_are_throttled(client, admin_ada):
    statuses = [client.post("/en/review/login/", {"username": admin_ada.username,
                                                  "password": f"wrong guess {n}"}).status_code
                for n in range(30)]
    assert statuses[:10] == [200] * 10  # the form again, with its error
    assert set(statuses[10:]) == {429}
    right = client.post("/en/review/login/", {"username": admin_ada.username,
                                              "password": PASSWORD})
    assert right.status_code == 429  # even the right password, while throttled
    assert "Too many failed sign-ins" in right.content.decode()
    other_address = client.post("/en/review/login/", {"username": admin_ada.username,
                                                      "password": PASSWORD},
                                REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 302


def test_the_admin_login_is_throttled_too(client, admin_ada):
    for n in range(10):
        client.post("/admin/login/", {"username": admin_ada.username, "password": f"bad {n}"})
    response = client.post("/admin/login/", {"username": admin_ada.username,
                                             "password": PASSWORD},
                           HTTP_ACCEPT_LANGUAGE="en")  # the admin speaks the browser's language
    assert response.status_code == 200 and "Too many failed sign-ins" in response.content.decode()


def test_a_new_data_dir_its_database_and_secret_are_private(tmp_path):
    from tests.clirunner import run_rostra

    data_dir = tmp_path / "fresh"
    result = run_rostra("status", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    mode = lambda path: stat.S_IMODE(path.stat().st_mode)  # noqa: E731
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "rostra.sqlite3") == 0o600
    assert mode(data_dir / "secret_key") == 0o600
