"""The two lock files agree with pyproject.toml: servers get the dependencies and nothing of
the test tools (requirements.lock), development gets those same pins plus the [dev] extras
(requirements-dev.lock)."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

BASE_DIR = Path(__file__).resolve().parents[2]


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (BASE_DIR / name).read_text().splitlines():
        if line and not line.startswith(("#", "-r ")):
            package, version = line.split("==")
            pins[canonicalize_name(package)] = version
    return pins


def test_production_lock_pins_every_dependency_and_no_dev_tool():
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
    production, development = _pins("requirements.lock"), _pins("requirements-dev.lock")
    for spec in project["dependencies"]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in production, f"{name} is a dependency but not in requirements.lock"
        assert requirement.specifier.contains(production[name]), (name, production[name])
    for spec in project["optional-dependencies"]["dev"]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in development, f"{name} is a dev extra but not in requirements-dev.lock"
        assert name not in production, f"{name} (a dev tool) would be installed on servers"
        assert requirement.specifier.contains(development[name]), (name, development[name])
    assert not set(production) & set(development), "pinned twice"
    lines = (BASE_DIR / "requirements-dev.lock").read_text().splitlines()
    assert "-r requirements.lock" in lines
