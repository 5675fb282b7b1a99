"""The trace tables of docs/trace.md, generated (never typed): every registered algorithm
on the conv trace, batch and arrivals, at M = 16384, 65536, 262144, schedules checked.

    python bench/trace_tables.py [--trace CSV] [--memory 16384 65536 262144]
                                 [--from-json a.json b.json ...] [--write docs/trace.md]
                                 [--json results/trace_tables.json]

Without ``--from-json`` it runs ``kvsched trace --json --algs all`` (batch) and
``kvsched trace --json --arrivals`` for every ``M`` (the same code path, in process);
with it, it renders those commands' saved outputs. ``--write`` replaces the block between
``<!-- trace-tables:begin -->`` and ``<!-- trace-tables:end -->`` in the given file.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kvsched.results import atomic_write_json, atomic_write_text  # noqa: E402

TRACE = ROOT.parent / "shared" / "traces" / "AzureLLMInferenceTrace_conv.csv"
BEGIN, END = "<!-- trace-tables:begin -->", "<!-- trace-tables:end -->"
GUARANTEED = "gsa_polite"        # the variant whose chain is not refuted (conditional)
FASTEST = "gsa_elastic"          # the best total latency among the variants (chain refuted)


def run_trace(trace: str, M: int, arrivals: bool) -> dict:
    from kvsched_cli.cli import main
    args = ["trace", "--json", "--trace", trace, "--memory", str(M), "--algs", "all"]
    if arrivals:
        args.append("--arrivals")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(args)
    return json.loads(buf.getvalue())


def fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def table(out: dict) -> str:
    setting = (f"arrivals at {out['tokens_per_second']:g} tokens/s" if out.get("arrivals")
               else "batch (all requests at step 0)")
    lines = [f"**M = {out['M']:,}, {setting}** (n = {out['n']:,}; lower bound "
             f"{out['lower_bound']:,}, {out['lower_bound_name']}; latencies in decode steps; "
             f"every schedule checked)", "",
             "| algorithm | clairv. | total latency | vs fcfs | mean | p50 | p90 | p99 | "
             "restarts | wasted tokens | util. | time s | ALG/LB (estimate) | "
             "ALG/best (certified) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    rows = out["rows"]
    fc = next((r["objective"] for r in rows if r["algorithm"] == "fcfs" and "error" not in r),
              None)
    for r in sorted(rows, key=lambda r: r.get("objective", float("inf"))):
        name = f"**{r['algorithm']}**" if r["algorithm"] == GUARANTEED else r["algorithm"]
        if "error" in r:
            lines.append(f"| {name} | {'yes' if r['clairvoyant'] else 'no'} | "
                         f"{r['error'].splitlines()[0][:90]} |" + " - |" * 11)
            continue
        vs = f"{100 * (r['objective'] / fc - 1):+.1f}%" if fc else "-"
        lines.append(
            f"| {name} | {'yes' if r['clairvoyant'] else 'no'} | {r['objective']:,} | {vs} | "
            f"{fmt(r['mean_latency'])} | {r['p50_latency']:,} | {r['p90_latency']:,} | "
            f"{r['p99_latency']:,} | {r['restarts']:,} | {r['wasted_tokens']:,} | "
            f"{r['utilisation']:.3f} | {r['time_s']:.2f} | {r['ratio_to_lower_bound']:.3f} | "
            f"{r['ratio_to_best']:.3f} |")
    return "\n".join(lines)


def goal(outs: list[dict]) -> str:
    """The issue's goal per budget (batch): each candidate variant vs fcfs and gba."""
    lines = ["| M | variant | chain | total latency | fcfs | gba | vs fcfs | / gba | "
             "goal (<= -20 % and <= 2x) |", "|---|---|---|---|---|---|---|---|---|"]
    for v, chain in ((GUARANTEED, "conditional (not refuted)"), (FASTEST, "refuted")):
        for out in outs:
            if out.get("arrivals"):
                continue
            obj = {r["algorithm"]: r["objective"] for r in out["rows"] if "error" not in r}
            if not all(a in obj for a in (v, "fcfs", "gba")):
                continue
            g, f, b = obj[v], obj["fcfs"], obj["gba"]
            ok = g <= 0.8 * f and g <= 2 * b
            lines.append(f"| {out['M']:,} | {v} | {chain} | {g:,} | {f:,} | {b:,} | "
                         f"{100 * (g / f - 1):+.1f}% | {g / b:.3f} | "
                         f"{'met' if ok else 'NOT met'} |")
    return "\n".join(lines)


def merge(outs: list[dict]) -> list[dict]:
    """One output per (M, setting): rows of later files replace same-named earlier rows
    (e.g. a re-run of one algorithm); the certified ratio to the best row is recomputed."""
    by: dict = {}
    for out in outs:
        key = (out["M"], bool(out.get("arrivals")))
        if key not in by:
            by[key] = {**out, "rows": list(out["rows"])}
            continue
        names = {r["algorithm"] for r in out["rows"]}
        by[key]["rows"] = [r for r in by[key]["rows"] if r["algorithm"] not in names] \
            + list(out["rows"])
    for out in by.values():
        ok = [r for r in out["rows"] if "error" not in r]
        best = min(r["objective"] for r in ok)
        for r in ok:
            r["ratio_to_best"] = r["objective"] / best
            r["ratio_to_lower_bound"] = r["objective"] / out["lower_bound"]
    return list(by.values())


def render(outs: list[dict], trace: str) -> str:
    cmd = "kvsched trace --trace ../shared/traces/AzureLLMInferenceTrace_conv.csv --memory M"
    parts = [f"Generated by `python bench/trace_tables.py --write docs/trace.md` from "
             f"`{cmd} --algs all [--arrivals]` (times on a loaded 2-core machine shared with "
             f"other jobs: compare them within a table only). Bold: `{GUARANTEED}`, the "
             f"variant whose guarantee chain is not refuted (conditional on its on-time "
             f"lemma); `{FASTEST}` has the best total latency among the variants but its "
             f"chain is refuted (section 4).", "",
             "Goal (batch setting):", "", goal(outs), ""]
    for arrivals in (False, True):
        for out in outs:
            if bool(out.get("arrivals")) == arrivals:
                parts += [table(out), ""]
    return "\n".join(parts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trace", default=str(TRACE))
    ap.add_argument("--memory", type=int, nargs="+", default=[16384, 65536, 262144])
    ap.add_argument("--from-json", nargs="+", default=None)
    ap.add_argument("--write", default=None)
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    if args.from_json:
        outs = merge([json.loads(Path(p).read_text()) for p in args.from_json])
    else:
        outs = [run_trace(args.trace, M, arr) for arr in (False, True) for M in args.memory]
    outs.sort(key=lambda o: (bool(o.get("arrivals")), o["M"]))
    text = render(outs, args.trace)
    print(text)
    if args.json:
        atomic_write_json(args.json, {"runs": outs})
    if args.write:
        doc = Path(args.write).read_text()
        if BEGIN not in doc or END not in doc:
            raise SystemExit(f"{args.write}: markers {BEGIN} / {END} not found")
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        atomic_write_text(args.write, head + BEGIN + "\n" + text + "\n" + END + tail)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
