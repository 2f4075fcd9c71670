"""The deploy's systemd units: every daily command of the apps has a timer, and every command a
unit starts exists (walked from deploy/systemd, not listed by hand)."""

import re
from pathlib import Path

from django.core.management import get_commands

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"

# Commands that must run every day for a feature to work as the README says.
DAILY = {
    "send_certificate_reminders",  # certificates expiring (staff and owners' cases)
    "send_owner_reminders",  # owners: tomorrow's bazaar, a certificate expiring in 30 days
    "clearsessions",
}


def _commands(service: Path) -> list[list[str]]:
    lines = re.findall(r"^ExecStart=(.*)$", service.read_text(), re.M)
    return [line.split()[2:] for line in lines if " manage.py " in line]


def _timed() -> dict[str, list[list[str]]]:
    """The manage.py commands each timer's service starts, by unit name."""
    out = {}
    for timer in sorted(UNITS.glob("*.timer")):
        service = timer.with_suffix(".service")
        assert service.exists(), f"{timer.name} starts no {service.name}"
        assert re.search(r"^OnCalendar=", timer.read_text(), re.M), timer.name
        out[timer.stem] = _commands(service)
    return out


def test_every_daily_command_is_started_by_a_timer():
    started = {command[0] for commands in _timed().values() for command in commands}
    assert not DAILY - started, sorted(DAILY - started)


def test_every_command_a_unit_starts_exists():
    known = get_commands()
    for service in sorted(UNITS.glob("*.service")):
        for command in _commands(service):
            assert command[0] in known, (service.name, command)


def test_the_owners_reminders_go_through_the_task_worker():
    """The day-before reminders are sent by the worker (issue 16): the timer only queues them."""
    [command] = _timed()["umkm-owner-reminders"]
    assert command == ["send_owner_reminders", "--enqueue"]
