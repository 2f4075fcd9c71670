"""Numbers for the server-drawn charts (inline SVG, no script): lengths as percentages of the
largest value. The same numbers always sit in an accessible table next to each chart."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    length: float  # 0..100, of the chart's width or height
    goal: int | None = None


def bars(items: list[tuple[str, int]]) -> list[Bar]:
    """Bars scaled to the largest value."""
    largest = max((value or 0 for _label, value in items), default=0)
    return [
        Bar(label, value or 0, round(100 * (value or 0) / largest, 2) if largest else 0.0)
        for label, value in items
    ]


def progress(items: list[tuple[str, int, int | None]]) -> list[Bar]:
    """Target progress: length is the share of the goal reached, capped at 100."""
    return [
        Bar(label, value, min(100.0, round(100 * value / goal, 2)) if goal else 0.0, goal)
        for label, value, goal in items
    ]


def columns(items: list[tuple[str, int]], *, slot: int = 10) -> list[dict]:
    """Vertical columns in a 0..100 high viewBox, `slot` units wide each."""
    scaled = bars(items)
    return [
        {
            "label": bar.label,
            "value": bar.value,
            "x": i * slot + 1,
            "width": slot - 2,
            "height": bar.length,
            "y": round(100 - bar.length, 2),
        }
        for i, bar in enumerate(scaled)
    ]
