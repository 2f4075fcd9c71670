"""Every project template writes dates and times through the formatting module
(`{% load portal_formats %}`: date_text, date_short, month_long, datetime_short, ...), never
with a format string of its own (`|date:"d-m-Y"`, `|time:"H:i"`): the issue was three ways of
writing one time. Walks every template folder of the project, so a new app's templates are
covered the day they are added."""

import re
from pathlib import Path

from django.conf import settings
from django.template.loaders.app_directories import get_app_template_dirs

OWN_FORMAT = re.compile(r"""\|\s*(?:date|time)\s*:\s*["'][^"']*["']""")


def _project_template_dirs() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    dirs = [Path(d).resolve() for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    dirs += [Path(d).resolve() for d in get_app_template_dirs("templates")]
    return [d for d in dirs if d.is_relative_to(base) and ".venv" not in d.parts]


def test_the_walk_reaches_every_app_with_templates():
    names = {d.parent.name for d in _project_template_dirs()}
    assert {"mentors", "owners", "bazaars", "jobs", "reports"} <= names, names


def test_no_template_writes_a_date_or_time_format_of_its_own():
    found = []
    for folder in _project_template_dirs():
        for path in folder.rglob("*"):
            if path.suffix not in {".html", ".txt"}:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                for match in OWN_FORMAT.finditer(line):
                    found.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {match[0]}")
    assert not found, "Use the portal_formats filters:\n" + "\n".join(found)
