"""Saved results (the saved-result contract) and the docs table for the game value.

A result file has kind ``kvsched-game-value``; ``instance``/``algorithm``/``params`` are
GSA's witness (the o-vector of the family on which GSA's certified ratio is worst), so the
ledger can re-run GSA from the file alone; ``family``, ``value`` and the FCFS witness (also a
full instance) sit beside it.
"""
from __future__ import annotations

import time
from pathlib import Path

from kvsched.errors import InputFormatError
from kvsched.results import atomic_write_json, atomic_write_text, provenance

from .family import Family, algorithm_worst, opt_table
from .search import game_value

KIND = "kvsched-game-value"
START, END = "<!-- game-table:start -->", "<!-- game-table:end -->"
GROWTH_START, GROWTH_END = "<!-- game-growth:start -->", "<!-- game-growth:end -->"

TABLE_FAMILIES = [          # growth with L (n = 2, then n = 3) and with n (L = 5, M = 8)
    Family(8, (0, 1), 2), Family(8, (0, 1), 4), Family(8, (0, 1), 6),
    Family(6, (0, 1, 2), 2), Family(6, (0, 1, 2), 3), Family(6, (0, 1, 2), 4),
    Family(8, (0, 1, 2), 6),
    Family(8, (0,), 5), Family(8, (0, 1), 5), Family(8, (0, 1, 2), 5), Family(8, (0, 0, 1, 2), 5),
]


def evaluate(fam: Family):
    """``(saved result, GameResult)``: the value and GSA's and FCFS's certified worst
    ratios of ``fam``; raises if either algorithm beats the value (it cannot)."""
    t0 = time.perf_counter()
    opt = opt_table(fam)
    t_opt = time.perf_counter() - t0
    res = game_value(fam, opt)
    t1 = time.perf_counter()
    gsa = algorithm_worst(fam, "gsa", opt)
    fcfs = algorithm_worst(fam, "fcfs", opt)
    t_alg = time.perf_counter() - t1
    if gsa.ratio < res.value or fcfs.ratio < res.value:
        raise AssertionError(f"{fam.label}: an algorithm beats the game value "
                             f"(gsa {gsa.ratio}, fcfs {fcfs.ratio}, value {res.value})")
    v = res.value
    return {
        "kind": KIND,
        "instance": fam.instance(gsa.witness).to_dict(),
        "algorithm": "gsa",
        "params": {**gsa.params, "family": fam.to_dict()},
        "family": fam.to_dict(),
        "value": float(v), "value_exact": f"{v.numerator}/{v.denominator}",
        "value_label": "certified (exact)",
        "value_witness": {"o": list(res.witness), "instance": fam.instance(res.witness).to_dict(),
                          "cost": res.alg_cost, "opt": res.opt},
        "gsa": gsa.to_dict(fam), "fcfs": fcfs.to_dict(fam),
        "search": {"tests": [{"ratio": f"{r.numerator}/{r.denominator}", "guaranteed": ok,
                              "nodes": nodes, "seconds": round(sec, 4)}
                             for r, ok, nodes, sec in res.tests],
                   "candidates": res.candidates, "nodes": res.nodes,
                   "seconds_game": round(res.seconds, 3), "seconds_opt": round(t_opt, 3),
                   "seconds_algorithms": round(t_alg, 3)},
        "provenance": provenance(None, {"family": fam.to_dict(), "gsa_alpha": gsa.params.get("alpha")}),
    }, res


def save(d: dict, folder) -> Path:
    f = d["family"]
    name = f"M{f['M']}-s{'_'.join(map(str, f['s']))}-L{f['L']}.json"
    return atomic_write_json(Path(folder) / name, d)


def table_markdown(rows: list[dict], cmd: str) -> str:
    lines = [f"Written by `{cmd}`; every value and ratio is certified (exact): the value is "
             "the exact min-max of the game against proven optima (lp.astar), and the "
             "algorithms' ratios are checked schedules over proven optima, worst over every "
             "o-vector of the family. Times are wall-clock on a shared 2-core machine.", "",
             "| family (M; s; L) | n | o-vectors | game value, certified (exact) | "
             "GSA worst, certified (exact) | GSA witness o | FCFS worst, certified (exact) | "
             "FCFS witness o | search nodes | game s |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for d in rows:
        f = d["family"]
        lines.append(
            f"| {f['M']}; ({','.join(map(str, f['s']))}); {f['L']} | {f['n']} | {f['vectors']} "
            f"| {d['value_exact']} = {d['value']:.4f} | {d['gsa']['ratio_exact']} = "
            f"{d['gsa']['ratio']:.4f} | {tuple(d['gsa']['witness_o'])} | "
            f"{d['fcfs']['ratio_exact']} = {d['fcfs']['ratio']:.4f} | "
            f"{tuple(d['fcfs']['witness_o'])} | {d['search']['nodes']} | "
            f"{d['search']['seconds_game']} |")
    return "\n".join(lines) + "\n"


def update_doc(doc, table: str) -> None:
    doc = Path(doc)
    text = doc.read_text()
    if START not in text or END not in text:
        raise InputFormatError(f"lacks the markers {START} ... {END}", path=str(doc))
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    atomic_write_text(doc, f"{head}{START}\n{table}{END}{tail}")


def growth_markdown(rows: list[dict]) -> str:
    """How the value grows: the saved rows grouped into series that vary one parameter
    (``L`` at fixed ``(M, s)``; ``n`` at fixed ``(M, L)`` with ``s`` a prefix-extension),
    each with the value, GSA's worst ratio and their quotient (all certified, exact)."""
    from fractions import Fraction
    by_ms: dict = {}
    by_ml: dict = {}
    for d in rows:
        f = d["family"]
        by_ms.setdefault((f["M"], tuple(f["s"])), []).append(d)
        by_ml.setdefault((f["M"], f["L"]), []).append(d)
    lines = ["| series | varies | values (game value, certified exact) | GSA worst | "
             "GSA / value |", "|---|---|---|---|---|"]

    def fmt(ds, key):
        ds = sorted(ds, key=key)
        vals = ", ".join(f"{key(d)}: {d['value_exact']}" for d in ds)
        gsa = ", ".join(f"{key(d)}: {d['gsa']['ratio_exact']}" for d in ds)
        q = ", ".join(f"{key(d)}: {float(Fraction(d['gsa']['ratio_exact']) / Fraction(d['value_exact'])):.3f}"
                      for d in ds)
        return vals, gsa, q

    for (M, s), ds in sorted(by_ms.items()):
        if len(ds) >= 2:
            v, g, q = fmt(ds, lambda d: d["family"]["L"])
            lines.append(f"| M={M}, s=({','.join(map(str, s))}) | L | {v} | {g} | {q} |")
    for (M, L), ds in sorted(by_ml.items()):
        if len(ds) >= 2:
            v, g, q = fmt(ds, lambda d: d["family"]["n"])
            lines.append(f"| M={M}, L={L}, s = prefix of (0,0,1,2) or (0,1,2) | n | {v} | {g} | {q} |")
    return "\n".join(lines) + "\n"


def update_growth(doc, rows: list[dict]) -> None:
    doc = Path(doc)
    text = doc.read_text()
    if GROWTH_START not in text or GROWTH_END not in text:
        raise InputFormatError(f"lacks the markers {GROWTH_START} ... {GROWTH_END}", path=str(doc))
    head, rest = text.split(GROWTH_START, 1)
    _, tail = rest.split(GROWTH_END, 1)
    atomic_write_text(doc, f"{head}{GROWTH_START}\n{growth_markdown(rows)}{GROWTH_END}{tail}")
