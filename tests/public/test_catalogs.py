"""The interface is fully translated, and the compiled catalogs match their sources."""

import ast
import gettext
from pathlib import Path

import pytest

import rostra

LOCALE = Path(rostra.__file__).parent / "locale"


def po_entries(path: Path) -> list[dict]:
    entries, entry, key = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#,"):
            entry["flags"] = line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, value = line.split(" ", 1)
            entry[key] = ast.literal_eval(value)
    return [e for e in entries if e.get("msgid")]


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_every_string_is_translated_and_not_fuzzy(language):
    entries = po_entries(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    for entry in entries:
        assert "fuzzy" not in entry.get("flags", ""), entry["msgid"]
        translations = [value for key, value in entry.items() if key.startswith("msgstr")]
        assert translations and all(translations), entry["msgid"]


@pytest.mark.parametrize("language", ["fa", "ar", "en"])
def test_compiled_catalog_matches_the_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po_entries(folder / "django.po"):
        if language == "en" or "msgid_plural" in entry:
            continue
        if "msgctxt" in entry:  # a word that reads differently in another place
            found = compiled.pgettext(entry["msgctxt"], entry["msgid"])
        else:
            found = compiled.gettext(entry["msgid"])
        assert found == entry["msgstr"], entry["msgid"]


@pytest.fixture(scope="module")
def marked_strings(tmp_path_factory) -> set[tuple[str | None, str]]:
    """Every string the code and templates mark for translation, as makemessages finds them
    (run on a copy, so the catalogues in the tree are not rewritten)."""
    import shutil
    import subprocess
    import sys

    copy = tmp_path_factory.mktemp("catalogue") / "rostra"
    shutil.copytree(Path(rostra.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__", "*.po", "*.mo", "static"))
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "fa", "--no-location",
                    "--no-obsolete"], cwd=copy, check=True, capture_output=True,
                   env={**__import__("os").environ, "PYTHONPATH": str(copy.parent),
                        "DJANGO_SETTINGS_MODULE": "rostra.settings"})
    found = po_entries(copy / "locale" / "fa" / "LC_MESSAGES" / "django.po")
    return {(entry.get("msgctxt"), entry["msgid"]) for entry in found}


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_every_string_marked_for_translation_is_in_the_catalogue(language, marked_strings):
    entries = po_entries(LOCALE / language / "LC_MESSAGES" / "django.po")
    present = {(entry.get("msgctxt"), entry["msgid"]) for entry in entries}
    missing = sorted(marked_strings - present, key=str)
    assert not missing, f"{len(missing)} strings have no {language} entry: {missing[:20]}"
