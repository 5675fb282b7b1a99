"""``kvsched verify``: the whole check on embedded default instances, as tables.

Sections are functions ``section(seed, quick) -> Table | list[Table]`` listed in
:data:`SECTIONS` as ``"module:function"``; each layer contributes its own (every listed
module ships with the package). A section that finds a failure marks its table ``ok=False``
and ``kvsched verify`` exits 1.
"""
from __future__ import annotations

import importlib
import time

from kvsched.tables import Table

SECTIONS = [
    "kvsched.verify_section:section_model",
    "kvsched.verify_section:section_algorithms",
    "lp.verify_section:section",
    "bounds.verify_section:section",
    "adversary.verify_section:section",
]


def run_sections(seed: int = 0, quick: bool = False) -> list[Table]:
    tables: list[Table] = []
    for ref in SECTIONS:
        mod_name, func_name = ref.split(":")
        mod = importlib.import_module(mod_name)
        t0 = time.perf_counter()
        out = getattr(mod, func_name)(seed, quick)
        out = out if isinstance(out, list) else [out]
        dt = time.perf_counter() - t0
        out[-1].notes.append(f"({ref}: {dt:.1f} s)")
        tables.extend(out)
    return tables
