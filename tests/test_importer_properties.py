"""Whatever a CSV holds, the import never crashes and accounts for every row."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmgen.importer import ImportRefusedError, Options, plan_import
from crmgen.loader import load_project
from crmgen.mapping import parse_mapping

MAPPING = parse_mapping("""
    [fields]
    name = "Company"
    email = "Email"
    deal_title = "Deal"
    stage = "Stage"
    value = "Value"
    first_contact = "Created"
    [defaults]
    stage = "lead"
""".replace("\n    ", "\n"), "test mapping")
HEADER = ["Company", "Email", "Deal", "Stage", "Value", "Created"]
CELL = st.one_of(st.text(max_size=12),
                 st.sampled_from(["", "Acme", "a@x.example", "won", "lost", "1,5",
                                  "2024-01-02", "03/04/2024", "no", '"', "\n", ";"]))
ROWS = st.lists(st.lists(CELL, min_size=0, max_size=8), max_size=12)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, delimiter=st.sampled_from([",", ";", "\t"]))
def test_every_row_is_written_or_reported(tmp_path: Path, rows: list[list[str]],
                                          delimiter: str) -> None:
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path = tmp_path / "in.csv"
    path.write_text(stream.getvalue(), encoding="utf-8")
    (tmp_path / "clients").mkdir(exist_ok=True)
    project = load_project(tmp_path, dt.date(2026, 12, 3))
    try:
        plan = plan_import(project, path, MAPPING, Options())
    except ImportRefusedError:
        return  # a refusal (ambiguous dates, say) takes no row at all
    taken = sum(len(draft.rows) for _, _, draft in plan.creates)
    assert taken + len(plan.skipped) == plan.rows
    assert plan.deals_created == taken
