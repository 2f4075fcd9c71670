"""The Indonesian catalogue is complete: every string in code and templates is translated."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parents[2]
SKIP = {".venv", ".pgdata", "var", ".git", "node_modules", "tests", "bench", "docs", ".lockenv"}


def _extracted(tmp_path, domain: str) -> polib.POFile:
    """The catalogue of `domain` as makemessages extracts it from the code and templates, in a
    copy (the real catalogue is untouched); the copy starts from ours, so that existing
    translations are kept and only missing ones show up as empty."""
    copy = tmp_path / "src"
    shutil.copytree(BASE_DIR, copy, ignore=lambda d, names: [n for n in names if n in SKIP])
    subprocess.run(  # noqa: S603  (our own manage.py, a domain name of ours)
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-d",
            domain,
            "-l",
            "id",
            "--no-location",
            "--no-obsolete",
            "-v",
            "0",
        ],
        cwd=copy,
        # The copy has no tests/: the portal's own settings (the test environment is kept).
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
        capture_output=True,
    )
    return polib.pofile(str(copy / "locale" / "id" / "LC_MESSAGES" / f"{domain}.po"))


def test_every_string_has_an_indonesian_translation(tmp_path):
    catalogue = _extracted(tmp_path, "django")
    missing = [e.msgid for e in catalogue if not e.translated()]
    assert not missing, "Untranslated (run `make messages` and translate):\n" + "\n".join(missing)


def test_django_strings_without_indonesian_are_translated_by_our_catalogue():
    """Django 6 added strings its Indonesian catalogue lacks: ours fills them (see
    config/django_strings.py)."""
    from django.db.models.fields import BLANK_CHOICE_LABEL
    from django.utils import translation

    with translation.override("id"):
        assert str(BLANK_CHOICE_LABEL) == "- Pilih salah satu -"
        assert translation.gettext("Filter by %(field_name)s") == "Filter menurut %(field_name)s"


# --- Scripts (djangojs) ---------------------------------------------------------------------

# A call's first argument: one string literal, or several joined with "+".
_LITERAL = r"(?:'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\")"
JS_CALL = rf"\b(?:gettext|gettext_noop|ngettext)\(\s*({_LITERAL}(?:\s*\+\s*{_LITERAL})*)"


def _admin_script_strings() -> set[str]:
    """Every string Django admin's own scripts translate (gettext/ngettext calls)."""
    import ast
    import re

    import django

    root = Path(django.__file__).parent / "contrib" / "admin" / "static" / "admin" / "js"
    found = set()
    for script in root.rglob("*.js"):
        if "vendor" in script.parts:
            continue
        for match in re.finditer(JS_CALL, script.read_text()):
            parts = re.findall(_LITERAL, match.group(1))
            found.add("".join(ast.literal_eval(part) for part in parts))
    return found


def test_every_string_of_the_admins_scripts_is_indonesian():
    """What the admin's scripts show (the calendar's "Today (25 September)", the clock's
    "Choose a time", the time zone note) comes out Indonesian from the catalogue the admin
    loads (admin:jsi18n): Django's, with ours merged over it."""
    from django.utils import translation
    from django.views.i18n import JavaScriptCatalog

    strings = _admin_script_strings()
    assert {"Today", "Yesterday (%(date)s)", "Choose a Time"} <= strings  # the scan reads
    with translation.override("id"):
        view = JavaScriptCatalog()
        view.translation = translation.trans_real.DjangoTranslation(
            "id", domain="djangojs", localedirs=view.get_paths(["django.contrib.admin"])
        )
        catalogue = view.get_catalog()
    untranslated = sorted(s for s in strings if not catalogue.get(s))
    assert not untranslated, "Not in Indonesian (add to djangojs.po):\n" + "\n".join(untranslated)
    assert catalogue["Today (%(date)s)"] == "Hari ini (%(date)s)"


def test_the_portals_script_catalogue_is_complete_and_served(client, tmp_path):
    """Every entry of our djangojs.po is translated, no msgid twice; the portal's own scripts
    (static/js) hold no string the catalogue lacks; /jsi18n/ serves it to every visitor."""
    import collections

    path = BASE_DIR / "locale" / "id" / "LC_MESSAGES" / "djangojs.po"
    catalogue = polib.pofile(str(path))
    assert not [e.msgid for e in catalogue if not e.translated()]
    twice = [k for k, n in collections.Counter(e.msgid for e in catalogue).items() if n > 1]
    assert not twice

    extracted = _extracted(tmp_path, "djangojs")
    assert not [e.msgid for e in extracted if not e.translated()]

    response = client.get("/jsi18n/")
    assert response.status_code == 200
    assert "Hari ini (%(date)s)" in response.content.decode()
