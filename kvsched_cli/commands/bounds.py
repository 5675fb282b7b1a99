"""The proof ledger: per chain (the four published guarantees about the implemented GSA and
GBA, named variants, proved chains) a verdict -- PROVED, REFUTED, BROKEN AT <lemma> or
CONDITIONAL ON <lemmas> -- and per lemma a status that follows from the evidence
(bounds.status): proved, exhaustively verified, checked, refuted, assumed.

The default evidence does not depend on --seed: a structured suite, every saved adversary
record and lemma-targeted result, the counterexamples in bounds/evidence/ and the
exhaustive-box summaries in adversary/results/exhaust/. --random N adds N seeded random
instances. --check FILE... runs every lemma check on your instance files or saved results
(exit 1 when a lemma is violated).
"""
from __future__ import annotations

import argparse

from kvsched.errors import KvschedError
from kvsched.tables import Table
from .common import emit

HELP = "the proof ledger: verdicts per guarantee, lemma statuses from the evidence"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable JSON output")
    p.add_argument("--check", nargs="+", metavar="FILE", default=None,
                   help="run every lemma check on these instance files / saved results; "
                        "exit 1 when a lemma is violated")
    p.add_argument("--memory", "-M", type=int, default=None,
                   help="memory budget for --check files in CSV form (JSON files carry M)")
    p.add_argument("--random", "--empirical", dest="random", type=int, default=0, metavar="N",
                   help="extra seeded random instances beside the default evidence "
                        "(default 0; statuses must not depend on them)")
    p.add_argument("--verdicts", action="store_true",
                   help="print only one verdict line per chain (Markdown, as in the README)")
    p.add_argument("--symbolic", action="store_true",
                   help="no evidence: the derivations and what is proved only")
    p.add_argument("--seed", type=int, default=0, help="seed of --random (default 0)")
    p.add_argument("--out", metavar="DIR", default="results/refuted",
                   help="folder for suite instances that violate a lemma (default "
                        "results/refuted)")
    p.add_argument("--plot", metavar="PNG", default=None, help="draw R(alpha) curves")
    p.add_argument("--points", metavar="FILE", default=None,
                   help="adversary results (JSON file or folder) drawn as points on --plot")
    p.add_argument("--update-doc", metavar="MD", default=None,
                   help="rewrite the generated blocks of this Markdown file (docs/analysis.md)")


def _short(text: str, n: int = 110) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def _slack(emp: dict | None, boxes: list | None = None) -> str:
    worst_box = min((b["worst_slack"] for b in boxes or [] if b.get("worst_slack") is not None),
                    default=None)
    if worst_box is not None:
        return f"worst slack {worst_box:.3g} (box)"
    if not emp or not emp["instances"]:
        return "-"
    from bounds.checks import CheckSummary
    s = CheckSummary(emp["lemma"], worst_slack=emp["worst_slack"],
                     worst_nontrivial_slack=emp["worst_nontrivial_slack"],
                     violations=emp["violations"])
    return s.slack_text()


def theorem_text(r: dict) -> str:
    th = r["theorem"]
    if th["certified_above_bound"]:
        w = th["certified_above_bound"][0]
        return f"REFUTED: certified ALG/REF = {w['ratio']:.4g} ({w.get('file') or w['instance']})"
    c = th["worst_certified"]
    if not c:
        return "no evidence"
    return (f"not refuted: worst certified ALG/REF = {c['ratio']:.4g} ({c['basis']}, "
            f"{c['file'] or c['instance']}), a lower bound on ALG/OPT; it does not confirm "
            f"the bound")


def tables(records: list[dict]) -> list[Table]:
    summary = Table("Verdicts (bounds.status rules: PROVED only when every factor lemma is "
                    "proved; REFUTED only by a certified ALG/REF above the bound)",
                    ["chain", "about", "R(alpha)", "alpha*", "R(alpha*)", "published",
                     "verdict"])
    out = [summary]
    for r in records:
        summary.add(r["chain"], _short(r["about"], 60), r["expression"], r["alpha_star"],
                    f"{r['value']} = {r['value_float']:.6g}",
                    "-" if r["published"] is None else r["published"],
                    r["verdict"])
        if r.get("matches_published") is False or r.get("unique_minimum") is False:
            summary.ok = False
            summary.notes.append(f"{r['chain']}: exact minimum does not round up to the "
                                 f"published value, or is not unique")
        t = Table(f"{r['chain']}: {r['verdict']}",
                  ["lemma", "role", "constant", "status", "why", "slack"])
        for l in r["lemmas"]:
            t.add(l["name"], l["role"], l["constant"], l["status"],
                  _short(l["status_reason"]), _slack(l["empirical"], l["boxes"]))
        t.add("theorem ALG/OPT <= R(alpha*)", "consequence", r["value"], "-",
              _short(theorem_text(r), 150), "-")
        t.notes.append(f"about: {r['about']}")
        if r.get("length_dilation_needed"):
            t.notes.append("length: " + r["length_dilation_needed"]["note"])
        if r.get("integer_budgets_true_constant"):
            tc = r["integer_budgets_true_constant"]
            t.notes.append(f"integer budgets: {tc['note']} = {tc['ratio_with_it']:.12g}")
        if r["evidence_params"]["items"]:
            p = r["run_params"]
            t.notes.append(f"evidence runs: {r['algorithm']} with alpha = {p['alpha']:.6g}, "
                           + ("no round cap" if p["dilation"] is None
                              else f"round cap dilation = {p['dilation']:.6g}")
                           + f"; {r['evidence_params']['items']} evidence instances")
        out.append(t)
    skipped = records[0]["evidence_params"]["skipped_files"] if records else []
    for s in skipped:
        summary.notes.append(f"skipped evidence file: {s}")
    summary.notes.append("published constants are the exact minima rounded up to 2 decimals")
    return out


def check_table(rows: list[dict]) -> Table:
    t = Table("Lemma checks on the given files (slack = (rhs - lhs)/rhs; negative = violated)",
              ["file", "chain", "lemma", "role", "result", "slack", "detail"])
    for r in rows:
        t.add(r["file"], r["chain"], r["lemma"], r["role"], r["label"],
              "-" if r["slack"] is None else f"{r['slack']:.4g}", _short(r["detail"] or "", 90))
    bad = sorted({(r["chain"], r["lemma"]) for r in rows if r["violated"] and r["role"] != "probe"})
    t.notes.append(f"{len(bad)} (chain, lemma) pairs violated" if bad else "no lemma violated")
    return t


def main(args: argparse.Namespace) -> int:
    from bounds.ledger import check_items, ledger

    if args.random < 0:
        raise KvschedError(f"--random must be >= 0, got {args.random}")
    if args.points and not args.plot:
        raise KvschedError("--points needs --plot PNG")
    if args.check:
        from bounds.evidence import load_file
        items = [load_file(f, memory=args.memory) for f in args.check]   # bad file: exit 2
        rows = check_items(items)
        emit(args, [check_table(rows)], rows)
        return 1 if any(r["violated"] and r["role"] != "probe" for r in rows) else 0
    points = None
    if args.points:
        from bounds.plot import load_points
        points = load_points(args.points)
    records = ledger(n_instances=args.random, seed=args.seed, out_dir=args.out,
                     evidence=not args.symbolic)
    if args.verdicts and not args.json:
        from bounds.report import verdict_lines
        print("\n".join(verdict_lines(records, main_only=False)))
        return 0
    ts = tables(records)
    if args.plot:
        from bounds.plot import plot_bounds
        plot_bounds(args.plot, points)
        ts[0].notes.append(f"plot written to {args.plot}"
                           + (f" with {len(points)} points" if points else ""))
    if args.update_doc:
        from bounds.report import update_doc
        cmd = "kvsched bounds" + (" --symbolic" if args.symbolic else "") + \
              (f" --random {args.random} --seed {args.seed}" if args.random else "") + \
              " --update-doc " + args.update_doc
        update_doc(args.update_doc, records, cmd)
        ts[0].notes.append(f"generated blocks of {args.update_doc} rewritten")
    emit(args, ts, records)
    return 0
