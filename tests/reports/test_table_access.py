"""The report's wide tables scroll inside their box; the box must be reachable by keyboard
(axe: scrollable-region-focusable), named by the table's caption."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_every_report_table_box_takes_the_keyboard_focus_and_is_named(pejabat_client):
    html = pejabat_client.get("/laporan/?tahun=2023").content.decode()
    boxes = re.findall(
        r'<div class="table-scroll"([^>]*)>\s*(?:<p class="scroll-hint">.*?</p>\s*)?'
        r'<table[^>]*id="tabel-([\w-]+)"',
        html,
    )
    assert len(boxes) >= 8
    for attributes, key in boxes:
        assert 'tabindex="0"' in attributes, key
        assert 'role="region"' in attributes, key
        assert f'aria-labelledby="judul-{key}"' in attributes, key
        assert f'<caption id="judul-{key}">' in html, key
