"""Website and API errors are written, with request id, path and traceback, to the data dir's
log file (and stderr); ``rostra logs`` prints them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from rostra.core.logs import LOG_FILE_NAME
from tests.clirunner import run_rostra

pytestmark = pytest.mark.django_db


def log_path() -> Path:
    handler = next(h for h in logging.getLogger("django.request").handlers
                   if getattr(h, "baseFilename", None))
    return Path(handler.baseFilename)


def log_text_after(client, url, **headers) -> tuple[str, object]:
    path = log_path()
    before = path.stat().st_size if path.exists() else 0
    response = client.get(url, **headers)
    for handler in logging.getLogger("django.request").handlers:
        handler.flush()
    with open(path, encoding="utf-8") as handle:
        handle.seek(before)
        return handle.read(), response


def test_a_website_error_is_logged_with_request_id_path_and_traceback(client, monkeypatch):
    from rostra.public.views import pages

    def broken(*args, **kwargs):
        raise RuntimeError("the about page's template store is gone")

    monkeypatch.setattr(pages, "render", broken)
    client.raise_request_exception = False
    text, response = log_text_after(client, "/en/about/", HTTP_X_REQUEST_ID="proxy-id-12345")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "proxy-id-12345"
    assert "ERROR django.request request=proxy-id-12345 path=/en/about/" in text
    assert "Traceback (most recent call last)" in text
    assert "the about page's template store is gone" in text


def test_an_api_error_is_logged_with_its_traceback(client, monkeypatch):
    from rostra.api import public

    def broken(*args, **kwargs):
        raise RuntimeError("event listing broke")

    monkeypatch.setattr(public, "paginate", broken)
    client.raise_request_exception = False
    text, response = log_text_after(client, "/api/events")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert f"ERROR rostra.api request={request_id} path=/api/events" in text
    assert "RuntimeError: event listing broke" in text


def test_the_log_file_is_private():
    assert log_path().name == LOG_FILE_NAME
    if log_path().exists():
        assert log_path().stat().st_mode & 0o077 == 0


def test_rostra_logs_prints_the_end_of_the_log(tmp_path):
    data_dir = tmp_path / "data"
    (data_dir / "logs").mkdir(parents=True)
    lines = [f"2026-05-04T06:00:{n:02d}Z ERROR django.request request=r{n} path=/x/ boom {n}\n"
             for n in range(30)]
    (data_dir / "logs" / LOG_FILE_NAME).write_text("".join(lines), encoding="utf-8")
    result = run_rostra("logs", "--lines", "3", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "".join(lines[-3:])
    empty = run_rostra("logs", data_dir=tmp_path / "other")
    assert empty.returncode == 0 and "no log yet" in empty.stdout
