"""Every variable the example environments name is one the code reads: a name the code does
not know (a renamed setting) would be set and silently do nothing."""

import re

import pytest
from django.conf import settings

CODE_FOLDERS = [
    "config",
    "deploy",
    "umkm",
    "bazaars",
    "certifications",
    "reports",
    "owners",
    "mentors",
    "notifications",
    "exports",
    "jobs",
]


@pytest.mark.parametrize("example", ["deploy/umkm.env.example", ".env.example"])
def test_every_variable_of_an_example_environment_is_read_by_the_code(example):
    base = settings.BASE_DIR
    text = (base / example).read_text()
    names = set(re.findall(r"^# ?([A-Z][A-Z0-9_]*)=|^([A-Z][A-Z0-9_]*)=", text, re.M))
    names = {a or b for a, b in names}
    assert len(names) > 20, names
    code = "\n".join(
        path.read_text()
        for folder in CODE_FOLDERS
        for path in (base / folder).rglob("*.py")
        if ".venv" not in path.parts
    )
    unknown = sorted(name for name in names if f'"{name}"' not in code)
    assert not unknown, f"named in {example}, read nowhere: {unknown}"
