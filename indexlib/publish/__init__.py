"""Publication: the release folder, its offline HTML report and its guarded CSV and Excel tables.

>>> from indexlib.publish import guard_csv_text
>>> guard_csv_text("=cmd")
"'=cmd"
"""

from __future__ import annotations

from indexlib.publish.report import render_report, report_data
from indexlib.publish.tables import csv_text, guard_csv_text, xlsx_bytes

__all__ = ["render_report", "report_data", "csv_text", "guard_csv_text", "xlsx_bytes"]
