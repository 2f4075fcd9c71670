"""The one export layer: every XLSX and CSV the portal writes goes through it.

It knows no app of ours (apps import it; it sits at the bottom beside `jobs`):
- `cells`: the one cell-safety rule (formula-safe text, identity numbers as text, dates in
  Asia/Jakarta) and its SQL twin in `sql` for the lists Postgres writes itself (COPY);
- `columns`: a column spec (key, header, kind, width), so headers come from one place;
- `csv_stream` and `xlsx`: the renderers (streamed CSV with a BOM, a streaming XLSX writer;
  exports/xlsx.py says why not XlsxWriter);
- `registry`: every export of the portal, so that a test can feed each one hostile names.
"""
