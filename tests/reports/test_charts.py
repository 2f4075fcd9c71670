"""The charts' value axes (reports.charts): round steps, and no halves on an axis of counts."""

import pytest

from reports import charts


@pytest.mark.parametrize(
    ("largest", "whole", "expected"),
    [
        (2, True, [0, 1, 2]),  # a kecamatan with two new businesses: no 0,5 or 1,5
        (2, False, [0, 0.5, 1, 1.5, 2]),  # rupiah may step by halves
        (7, True, [0, 2, 4, 6, 8]),
        (18, True, [0, 5, 10, 15, 20]),
        (0, True, [0, 1]),
        (1_250_000, False, [0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000]),
    ],
)
def test_ticks_are_round_and_counts_have_no_halves(largest, whole, expected):
    assert charts.nice_ticks(largest, whole=whole) == expected


def test_a_bar_chart_of_small_counts_labels_its_axis_in_whole_numbers():
    chart = charts.hbar_chart(
        key="uji",
        title="Uji",
        categories=["Kuliner", "Fesyen"],
        series=[charts.Series("Aktif", [1, 2], "chart-bar")],
        axis_title="UMKM",
    )
    ticks = [t.text for t in chart.texts if t.css == "chart-tick"]
    assert ticks == ["0", "1", "2"]
