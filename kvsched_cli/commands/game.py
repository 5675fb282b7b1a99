"""The game value of a tiny family: the best ratio any deterministic non-clairvoyant policy
can guarantee, min over policies of max over o in {1..L} (s_i + o_i <= M) of ALG/OPT,
computed exactly (adversary.game; docs/game.md), beside GSA's and FCFS's certified worst
ratios over the same family. The value is a lower bound for every non-clairvoyant
algorithm.

  kvsched game --M 6 --s 0,1,2 --L 4 [--json] [--tree out.png] [--out DIR]
  kvsched game --table [--update-doc docs/game.md] [--out adversary/results/game]
"""
from __future__ import annotations

import argparse
import json
import sys

from kvsched.errors import KvschedError
from kvsched.results import atomic_write_json
from kvsched.tables import Table
from .common import emit

HELP = "exact game value of a tiny family (best non-clairvoyant ratio) beside GSA and FCFS"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--M", type=int, default=None, help="memory budget")
    p.add_argument("--s", default=None, help="prompt sizes, comma-separated (e.g. 0,1,2)")
    p.add_argument("--L", type=int, default=None, help="output lengths range over 1..L")
    p.add_argument("--table", action="store_true",
                   help="the table of the built-in families (adversary.game.report)")
    p.add_argument("--update-doc", metavar="MD", default=None,
                   help="with --table: rewrite the table between the markers of MD")
    p.add_argument("--tree", metavar="PNG", default=None,
                   help="draw the optimal policy's decision tree (and save it as PNG.json)")
    p.add_argument("--tree-json", metavar="JSON", default=None,
                   help="where to save the tree with the result (default: PNG.json)")
    p.add_argument("--out", metavar="DIR", default=None, help="save each result JSON here")
    p.add_argument("--json", action="store_true", help="machine-readable JSON output")


def _family(args):
    from adversary.game import Family
    if args.M is None or args.s is None or args.L is None:
        raise KvschedError("game: give --M, --s and --L (or --table)")
    try:
        s = tuple(int(x) for x in args.s.split(",") if x.strip() != "")
    except ValueError:
        raise KvschedError(f"game: --s {args.s!r} is not a comma-separated list of integers")
    return Family(args.M, s, args.L)


def _row(t: Table, d: dict) -> None:
    f = d["family"]
    t.add(f"{f['M']}; ({','.join(map(str, f['s']))}); {f['L']}", f["vectors"],
          f"{d['value_exact']} = {d['value']:.4f}",
          f"{d['gsa']['ratio_exact']} = {d['gsa']['ratio']:.4f}", str(tuple(d['gsa']['witness_o'])),
          f"{d['fcfs']['ratio_exact']} = {d['fcfs']['ratio']:.4f}", str(tuple(d['fcfs']['witness_o'])),
          d["search"]["seconds_game"])


COLUMNS = ["family (M; s; L)", "o-vectors", "game value, certified (exact)",
           "GSA worst, certified (exact)", "GSA witness o", "FCFS worst, certified (exact)",
           "FCFS witness o", "game s"]


def main(args: argparse.Namespace) -> int:
    from adversary.game import report
    if args.update_doc and not args.table:
        raise KvschedError("game: --update-doc needs --table")
    if args.table:
        rows = []
        for fam in report.TABLE_FAMILIES:
            d, _ = report.evaluate(fam)
            rows.append(d)
            if args.out:
                report.save(d, args.out)
        t = Table("Game value (best guarantee of any deterministic non-clairvoyant policy) "
                  "beside GSA and FCFS", COLUMNS)
        for d in rows:
            _row(t, d)
        if args.update_doc:
            cmd = "kvsched game --table --update-doc " + args.update_doc + (
                f" --out {args.out}" if args.out else "")
            report.update_doc(args.update_doc, report.table_markdown(rows, cmd))
            report.update_growth(args.update_doc, rows)
            t.notes.append(f"table of {args.update_doc} rewritten")
        emit(args, [t], rows)
        return 0
    fam = _family(args)
    d, res = report.evaluate(fam)
    if args.tree:
        from adversary.game.tree import decision_tree, draw_tree
        tree = decision_tree(res)
        draw_tree(tree, args.tree, f"optimal non-clairvoyant policy, {fam.label}: value "
                                   f"{d['value_exact']}, certified (exact)")
        atomic_write_json(args.tree_json or args.tree + ".json", {**d, "tree": tree})
    if args.out:
        report.save(d, args.out)
    t = Table(f"Game value of the family {fam.label}", COLUMNS)
    _row(t, d)
    t.notes.append(f"value witness o = {tuple(res.witness)}: the optimal policy pays "
                   f"{res.alg_cost} against OPT {res.opt}")
    if args.tree:
        t.notes.append(f"decision tree drawn to {args.tree} (JSON: "
                       f"{args.tree_json or args.tree + '.json'})")
    emit(args, [t], d)
    return 0
