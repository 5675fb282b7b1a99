"""Tables for the command line: one :class:`Table` type, rendered with rich or as JSON.

Every number that is a ratio carries its label in the column name or a ``label`` column:
``certified`` (against a proven optimum or a checked feasible schedule) or ``estimate``
(against a lower bound).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ok: bool = True                     # False if the section found a failure

    def add(self, *row: Any) -> None:
        self.rows.append(list(row))

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "ok": self.ok, "rows": self.records(), "notes": self.notes}


def fmt(v: Any) -> str:
    if isinstance(v, float):
        if v != v:
            return "-"
        return f"{v:.4g}" if abs(v) < 1e5 else f"{v:.3e}"
    if v is None:
        return "-"
    return str(v)


def render(tables: list[Table], console=None) -> None:
    """Print tables with rich (plain text when not a terminal)."""
    from rich.console import Console
    from rich.table import Table as RTable

    console = console or Console(width=160)
    for t in tables:
        rt = RTable(title=t.title + ("" if t.ok else "  [FAILED]"), title_justify="left")
        for c in t.columns:
            rt.add_column(c, overflow="fold")
        for r in t.rows:
            rt.add_row(*[fmt(v) for v in r])
        console.print(rt)
        for n in t.notes:
            console.print(f"  {n}")
        console.print()
