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
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html)
    # rel=alternate/canonical name pages (absolute on purpose); they load nothing.
    loading = [tag for tag in tags if not re.search(r'rel="(?:alternate|canonical)"', tag)]
    assets = [re.search(r'(?:src|href)="([^"]+)"', tag).group(1) for tag in loading
              if re.search(r'(?:src|href)="', tag)]
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


def _luminance(hex_color: str) -> float:
    channels = [int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_text_colours_meet_wcag_aa():
    import re
    from pathlib import Path

    import rostra

    css = (Path(rostra.__file__).parent / "public" / "static" / "rostra" / "site.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6});", css))
    pairs = [("ink", "paper"), ("muted", "paper"), ("accent", "paper"), ("ink", "card"),
             ("muted", "card"), ("accent", "card"), ("accent-ink", "accent"),
             ("accent", "accent-soft"), ("ink", "mark"), ("muted", "mark"),
             ("machine", "machine-bg"), ("human", "human-bg"), ("muted", "footer")]
    colours.setdefault("footer", "#ecebe5")
    for foreground, background in pairs:
        ratio = contrast(colours[foreground], colours[background])
        assert ratio >= 4.5, (foreground, background, round(ratio, 2))
    assert contrast(colours["focus"], colours["paper"]) >= 3  # the focus ring (non-text, 3:1)
