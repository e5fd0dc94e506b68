"""Static files: served compressed with long-lived caching once collected (whitenoise)."""

import pytest
from django.core.management import call_command


@pytest.mark.slow
def test_collectstatic_writes_compressed_css_and_js(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)
    for name in ("rostra/site.css", "rostra/player.js"):
        assert (settings.STATIC_ROOT / name).is_file()
        assert (settings.STATIC_ROOT / (name + ".gz")).is_file()


def test_pages_load_nothing_from_another_host(client, db):
    import re

    html = client.get("/fa/").content.decode()
    assets = re.findall(r'<(?:script|link|img|iframe)\b[^>]*?(?:src|href)="([^"]+)"', html)
    assert assets and all(url.startswith("/") and not url.startswith("//") for url in assets)
    assert "@import" not in html and "fonts.googleapis" not in html


def test_stylesheet_uses_logical_properties_only():
    from pathlib import Path

    import rostra

    css = (Path(rostra.__file__).parent / "public" / "static" / "rostra" / "site.css").read_text()
    for physical in ("margin-left", "margin-right", "padding-left", "padding-right",
                     "border-left", "border-right", "text-align: left", "text-align: right",
                     "float: left", "float: right", " left:", " right:"):
        assert physical not in css, physical
