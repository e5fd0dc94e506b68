"""`rostra serve` as deployed: the real server process, and nginx in front of it with
deploy/nginx/rostra.conf (loopback ports, a self-signed certificate). One server per module."""

from __future__ import annotations

import getpass
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [
    pytest.mark.skipif(shutil.which("nginx") is None or shutil.which("openssl") is None,
                       reason="needs Debian's nginx and openssl"),
    # The served instance has a SQLite data dir of its own whichever database the suite uses:
    # the PostgreSQL pass would repeat the same run.
    pytest.mark.skipif(bool(os.environ.get("ROSTRA_DATABASE_URL")),
                       reason="runs once, in the SQLite pass"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def child_env(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ROSTRA_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"ROSTRA_DATA_DIR": str(data_dir), "PYTHONPATH": os.pathsep.join(sys.path)})
    env.update(extra)
    return env


def wait_for(url: str, *, seconds: float = 120, context=None) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5, context=context):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def nginx_config(tmp: Path, *, http_port: int, https_port: int, rostra_port: int,
                 data_dir: Path) -> Path:
    """deploy/nginx/rostra.conf with this machine's ports and paths, in a minimal main file."""
    site = (REPO / "deploy" / "nginx" / "rostra.conf").read_text(encoding="utf-8")
    replacements = {
        "listen [::]:80;": "", "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "127.0.0.1:8000": f"127.0.0.1:{rostra_port}",
        "/etc/letsencrypt/live/talks.example.org": str(tmp),
        "/var/www/letsencrypt": str(tmp / "acme"),
        "/srv/rostra/data": str(data_dir),
        "talks.example.org": "127.0.0.1",
    }
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, new)
    (tmp / "rostra.conf").write_text(site, encoding="utf-8")
    # The test's folders are private to this user: nginx's workers read them as the same user
    # (ignored with a notice when the tests do not run as root).
    main = f"""
user {getpass.getuser()};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/rostra.conf;
}}
"""
    (tmp / "nginx.conf").write_text(main, encoding="utf-8")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(tmp / "privkey.pem"),
                    "-out", str(tmp / "fullchain.pem")], check=True, capture_output=True)
    return tmp / "nginx.conf"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("deploy")
    data_dir = tmp / "data"
    subprocess.run([sys.executable, "-m", "tests.server.make_archive", str(data_dir)],
                   cwd=REPO, env=child_env(data_dir), check=True, timeout=300)
    rostra_port, http_port, https_port = free_port(), free_port(), free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "rostra", "serve", "--port", str(rostra_port), "--workers", "2"],
        cwd=tmp, env=child_env(data_dir, ROSTRA_MEDIA_OFFLOAD="x-accel-redirect"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    config = nginx_config(tmp, http_port=http_port, https_port=https_port,
                          rostra_port=rostra_port, data_dir=data_dir)
    nginx = subprocess.Popen(["nginx", "-c", str(config), "-e", str(tmp / "error.log")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tls = ssl.create_default_context()
    tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE
    try:
        wait_for(f"http://127.0.0.1:{rostra_port}/healthz")
        wait_for(f"https://127.0.0.1:{https_port}/healthz", context=tls)
        yield {"direct": f"http://127.0.0.1:{rostra_port}", "tls": tls,
               "nginx": f"https://127.0.0.1:{https_port}",
               "nginx_http": f"http://127.0.0.1:{http_port}", "server": server}
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(10)
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait(60)


def fetch(url: str, *, headers=None, context=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=20, context=context) as response:
        return response.status, response.headers, response.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_links_follow_the_port_the_request_came_in_on(deployment):
    base = deployment["direct"]
    _, _, body = fetch(base + "/en/speeches/smart-cities/")
    page = body.decode()
    port = base.rsplit(":", 1)[1]
    assert f'<link rel="canonical" href="{base}/en/speeches/smart-cities/">' in page
    assert f'iframe src="{base}/en/speeches/smart-cities/embed/"' in page
    assert f'og:url" content="{base}/en/speeches/smart-cities/"' in page
    absolute = set(re.findall(r'https?://127\.0\.0\.1:(\d+)', page))
    assert absolute == {port}
    _, _, robots = fetch(base + "/robots.txt")
    assert f"Sitemap: {base}/sitemap.xml" in robots.decode()
    _, _, feed = fetch(base + "/feeds/en/podcast.xml")
    assert f'url="{base}/media/speeches/smart-cities"' in feed.decode()


def test_pages_answer_304_when_unchanged(deployment):
    status, headers, _ = fetch(deployment["direct"] + "/en/")
    assert status == 200 and headers["ETag"]
    request = urllib.request.Request(deployment["direct"] + "/en/",
                                     headers={"If-None-Match": headers["ETag"]})
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=20)
    assert answer.value.code == 304


def test_static_files_are_hashed_and_cached_for_a_year(deployment):
    _, _, body = fetch(deployment["direct"] + "/en/")
    css = re.search(r'/static/rostra/site\.[0-9a-f]{12}\.css', body.decode()).group(0)
    for base, context in ((deployment["direct"], None), (deployment["nginx"], deployment["tls"])):
        status, headers, _ = fetch(base + css, context=context)
        assert status == 200
        assert "immutable" in headers["Cache-Control"]


def test_rostra_hands_media_to_nginx_which_serves_ranges(deployment):
    status, headers, body = fetch(deployment["direct"] + "/media/speeches/smart-cities")
    assert headers["X-Accel-Redirect"].startswith("/internal-media/")
    assert body == b""
    status, headers, body = fetch(deployment["nginx"] + "/media/speeches/smart-cities",
                                  headers={"Range": "bytes=10-99"}, context=deployment["tls"])
    assert status == 206
    assert headers["Content-Range"].startswith("bytes 10-99/")
    assert len(body) == 90
    assert "X-Accel-Redirect" not in headers
    with pytest.raises(urllib.error.HTTPError) as answer:
        fetch(deployment["nginx"] + "/internal-media/", context=deployment["tls"])
    assert answer.value.code == 404


def test_through_nginx_links_keep_its_port_and_http_redirects(deployment):
    base = deployment["nginx"]
    _, _, body = fetch(base + "/en/speeches/smart-cities/", context=deployment["tls"])
    port = base.rsplit(":", 1)[1]
    assert set(re.findall(r'https?://127\.0\.0\.1:(\d+)', body.decode())) == {port}
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(deployment["nginx_http"] + "/en/", timeout=20)
    assert answer.value.code == 301


def test_sigterm_stops_server_and_background_worker(deployment):
    server = deployment["server"]
    children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                              text=True).stdout.split()
    assert children  # the web workers and the background processing process
    server.send_signal(signal.SIGTERM)
    assert server.wait(60) == 0
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.2)
    left = {pid: Path(f"/proc/{pid}/cmdline").read_bytes() for pid in children if _alive(pid)}
    assert not left


def _alive(pid: str) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return False
