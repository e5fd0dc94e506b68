import re
from pathlib import Path

import pytest

from rostra.config import SETTINGS, load_config
from rostra.core.errors import ConfigurationError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_every_setting_is_documented():
    documented = set(re.findall(r"`(ROSTRA_[A-Z0-9_]+)`", DOCS.read_text(encoding="utf-8")))
    missing = {setting.name for setting in SETTINGS} - documented
    assert missing == set()


def test_documentation_names_no_setting_that_does_not_exist():
    table = [line for line in DOCS.read_text(encoding="utf-8").splitlines()
             if line.startswith("| `ROSTRA_")]
    names = {re.match(r"\| `(ROSTRA_[A-Z0-9_]+)`", line).group(1) for line in table}
    assert names == {setting.name for setting in SETTINGS}


def test_defaults_need_no_environment(tmp_path):
    config = load_config({"ROSTRA_DATA_DIR": str(tmp_path)})
    assert config["ROSTRA_LANGUAGES"] == ["fa", "ar", "en"]
    assert config["ROSTRA_MEDIA_DIR"] == tmp_path / "media"
    assert config["ROSTRA_DEBUG"] is False


@pytest.mark.parametrize("name, raw", [
    ("ROSTRA_DEBUG", "maybe"),
    ("ROSTRA_DEBUG", "1"),
    ("ROSTRA_COMMENTS_MODERATION", "no"),
    ("ROSTRA_REQUIRE_SERVICES", "yes"),
    ("ROSTRA_LANGUAGES", "fa,,ARABIC"),
    ("ROSTRA_LANGUAGES", "fa,fa"),
    ("ROSTRA_ASR_BATCH_SIZE", "0"),
    ("ROSTRA_ASR_DEVICE", "tpu"),
])
def test_bad_values_name_the_variable(name, raw):
    with pytest.raises(ConfigurationError) as error:
        load_config({name: raw})
    assert str(error.value).startswith(f"{name}=")


def test_secret_from_file(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    config = load_config({"ROSTRA_SECRET_KEY_FILE": str(secret)})
    assert config["ROSTRA_SECRET_KEY"] == "s3cret"


def test_unreadable_secret_file_is_one_clear_error(tmp_path):
    with pytest.raises(ConfigurationError, match="ROSTRA_SECRET_KEY_FILE"):
        load_config({"ROSTRA_SECRET_KEY_FILE": str(tmp_path / "missing")})


@pytest.mark.parametrize("raw, expected", [("true", True), ("false", False), (" TRUE ", True),
                                           ("False", False)])
def test_a_boolean_is_the_word_true_or_false(raw, expected):
    assert load_config({"ROSTRA_DEBUG": raw})["ROSTRA_DEBUG"] is expected


def test_every_setting_is_a_django_setting_of_the_same_name():
    from django.conf import settings

    missing = [setting.name for setting in SETTINGS if not hasattr(settings, setting.name)]
    assert missing == []
    assert not hasattr(settings, "CONFIG")  # the one way in is settings.ROSTRA_X
