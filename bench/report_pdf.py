"""How long the PDF of one kecamatan's report takes (issue 13: under 2 s), and where the time
goes, side by side with the other ways to print the same report: headless Chromium and
WeasyPrint (what the portal used before reports/pdf.py) laying out its HTML.

    .venv/bin/python bench/report_pdf.py                         # 31.73.02, tahun=2023, 7 runs
    .venv/bin/python bench/report_pdf.py --kecamatan 31.73.01 --query "tahun=2026" --runs 11

It uses the database of DATABASE_URL as it is (the demo data of `make run`, or a bench
database) and a Pejabat of that database (the demo account `pejabat`, or the first one). For
each run, alternating:
1. the export as the view makes it (reports.exports.export_file: figures, then ReportLab),
   split into the figures (report_context) and the drawing (renderers.render_pdf);
2. the report's HTML (the dashboard's sections, reports/_report.html, with css/reports.css
   inlined) printed by Chromium (Playwright's page.pdf, A4 landscape, the browser kept open as
   a print server would keep it), when Chromium is installed (CHROMIUM or /usr/bin/chromium);
3. the same HTML laid out by WeasyPrint, when it is installed (`.venv/bin/pip install
   weasyprint` for the run; the portal no longer depends on it);
4. the XLSX of the same report, for scale.
Medians and maxima go to stdout with the load average before and after; docs/PERFORMANCE.md
keeps the last run's figures.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
# Playwright's sync API runs an event loop in this thread; the Django calls here are plain
# synchronous ones between its calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.http import QueryDict

from reports import renderers
from reports.exports import export_file, report_context
from reports.selectors import kecamatan_scope


def _pejabat():
    users = get_user_model().objects.filter(groups__name__icontains="pejabat")
    # The demo's Pejabat, any Pejabat, or the official bench/reports.py makes in its database.
    return (
        get_user_model().objects.filter(username="pejabat").first()
        or users.first()
        or get_user_model().objects.filter(username="bench-pejabat").first()
    )


CPU: dict[str, list[float]] = {}


def _timed(fn, name: str = ""):
    """Wall seconds and the result; this process's CPU seconds are kept under `name` (they
    show what the work costs when other jobs share the cores; Chromium's own CPU is not
    counted, its wall time is)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    CPU.setdefault(name, []).append(time.process_time() - cpu)
    return time.perf_counter() - started, result


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _line(name: str, times: list[float], key: str = "") -> str:
    line = f"  {name:<42} median {statistics.median(times):5.2f} s  max {max(times):5.2f} s"
    if key in CPU:
        line += f"  (CPU median {statistics.median(CPU[key]):5.2f} s)"
    return line


def _report_html(context) -> str:
    """The report's sections as the dashboard renders them, in a page of their own with the
    reports' stylesheet inlined and A4 landscape (what an HTML-to-PDF engine would be given)."""
    from django.contrib.staticfiles import finders
    from django.template.loader import render_to_string

    css = Path(finders.find("css/reports.css")).read_text(encoding="utf-8")
    page = "@page { size: A4 landscape; margin: 12mm 14mm 14mm; }"
    body = render_to_string("reports/_report.html", context)
    return (
        '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
        f"<style>{css}{page} body {{ font: 9pt 'DejaVu Sans', sans-serif; }}</style></head>"
        f"<body><h1>{context['title']}</h1>{body}</body></html>"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kecamatan", default="31.73.02")
    parser.add_argument("--query", default="tahun=2023")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    user = _pejabat()
    scope = kecamatan_scope(args.kecamatan)
    query = QueryDict(args.query)

    chromium = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    browser = playwright = None
    if Path(chromium).exists():
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=chromium)

    try:
        import weasyprint
    except ImportError:
        weasyprint = None

    def chromium_pdf(context) -> bytes:
        html = _report_html(context)
        page = browser.new_page()
        page.set_content(html)
        data = page.pdf(prefer_css_page_size=True, print_background=True)
        page.close()
        return data

    def weasyprint_pdf(context) -> bytes:
        return weasyprint.HTML(string=_report_html(context)).write_pdf()

    # One warm-up of each: fonts, templates, the database's caches.
    export_file(user=user, query=query, scope=scope, fmt="pdf")
    export_file(user=user, query=query, scope=scope, fmt="xlsx")
    if browser:
        chromium_pdf(report_context(user=user, query=query, scope=scope))
    if weasyprint:
        weasyprint_pdf(report_context(user=user, query=query, scope=scope))

    print(f"PDF of {scope.name} ({args.kecamatan}), {args.query}, {args.runs} runs")
    print(f"  load average before: {_load()}")
    totals, figures, rendering, chrome, weasy, xlsx = [], [], [], [], [], []
    size = 0
    for _run in range(args.runs):
        seconds, (data, _type, _name) = _timed(
            lambda: export_file(user=user, query=query, scope=scope, fmt="pdf"), "pdf"
        )
        totals.append(seconds)
        size = len(data)
        seconds, context = _timed(
            lambda: report_context(user=user, query=query, scope=scope), "figures"
        )
        figures.append(seconds)
        rendering.append(_timed(lambda: renderers.render_pdf(context, None), "render")[0])  # noqa: B023
        if browser:
            chrome.append(_timed(lambda: chromium_pdf(context))[0])  # noqa: B023
        if weasyprint:
            weasy.append(_timed(lambda: weasyprint_pdf(context), "weasyprint")[0])  # noqa: B023
        xlsx.append(
            _timed(lambda: export_file(user=user, query=query, scope=scope, fmt="xlsx"), "xlsx")[0]
        )
    print(_line("PDF export (figures + ReportLab)", totals, "pdf") + f"  {size // 1024} KB")
    print(_line("  of which the figures (report_context)", figures, "figures"))
    print(_line("  of which the drawing (render_pdf)", rendering, "render"))
    if browser:
        print(_line("report HTML printed by Chromium (page.pdf)", chrome))
    else:
        print("  (Chromium not installed: no Chromium figure)")
    if weasyprint:
        print(_line("report HTML laid out by WeasyPrint", weasy, "weasyprint"))
    else:
        print("  (WeasyPrint not installed: no WeasyPrint figure)")
    print(_line("XLSX export of the same report", xlsx, "xlsx"))
    print(f"  load average after:  {_load()}")
    if browser:
        browser.close()
        playwright.stop()


if __name__ == "__main__":
    main()
