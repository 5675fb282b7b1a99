"""What an exhaustive run leaves behind: the summary JSON per (algorithm, alpha, box), the
replayable witness of the worst ratio per ``(n, M)``, the smallest violating instance of
each lemma (replayable), and the ratio histogram plot.

The summary (``kind: kvsched-exhaust-summary``, read by the ledger) has the keys
``algorithm, alpha, box {n_max, M_max}, instances, lemmas {name: {holds, checked,
worst_slack, smallest_violation}}, worst_ratio {value, certified, witness}`` and
provenance, plus ``per_nM`` (worst ratio, histogram and counts per ``(n, M)``).

A witness file is an ordinary search result (``kvsched-adversary-result``, made by
``adversary.records.make_record`` from ``adversary.evaluate.evaluate`` with the exact
reference ``lp.exact`` on HiGHS, independent of the box's DP), so ``kvsched search
--replay FILE`` re-runs the algorithm and re-solves OPT from the file alone; the ratio it
reports must equal the box's exact ratio or the summary is not written. A lemma violation
is saved as a ``kvsched-adversary-lemma`` result, which the same replay accepts.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from kvsched.instance import Instance
from kvsched.results import atomic_write_json, provenance

from .chunk import BINS, instance_dict, ratio_params
from .run import ExhaustConfig, alpha_tag, effective_alpha

KIND = "kvsched-exhaust-summary"


def stem(cfg: ExhaustConfig, alg: str) -> str:
    return f"{alg}-a{alpha_tag(alg, cfg.alpha)}-n{cfg.n_max}-M{cfg.M_max}"


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def save_witness(cfg: ExhaustConfig, alg: str, n: int, M: int, worst: dict) -> Path:
    """The replayable result file of the worst instance of ``(n, M)``."""
    from adversary.evaluate import evaluate
    from adversary.records import make_record, save_record
    inst = instance_dict(worst["M"], worst["jobs"])
    ev = evaluate(inst, {"alg": alg, "alpha": cfg.alpha, "reference": "exact",
                         "solver": "highs", "time_limit": 60.0, "cross_check_n": 6})
    r = Fraction(worst["cost"], worst["opt"])
    if not ev["consistent"] or ev["ratio_label"] != "certified" or \
            Fraction(ev["alg_objective"], ev["ref_objective"]) != r:
        raise AssertionError(f"{alg} n={n} M={M}: the box says {r} on {inst} but the "
                             f"independent evaluation gives {ev['alg_objective']}/"
                             f"{ev['ref_objective']} ({ev['ratio_label']}; {ev['problems']})")
    rec = make_record(ev, regime="general", alpha=effective_alpha(alg, cfg.alpha), seed=0,
                      params={"exhaust": True, "n": n, "M": M, "n_max": cfg.n_max,
                              "M_max": cfg.M_max, "alg": alg, "alpha": cfg.alpha},
                      evaluation=0, family=f"exhaustive box n={n}, M={M} (worst instance)")
    rec["ratio_exact"] = f"{r.numerator}/{r.denominator}"
    folder = Path(cfg.out) / f"{alg}-a{alpha_tag(alg, cfg.alpha)}"
    return save_record(folder / f"worst-n{n}-M{M}.json", rec)


def save_violation(cfg: ExhaustConfig, alg: str, lemma: str, v: dict) -> Path:
    """The smallest violating instance of ``lemma``, as a replayable lemma result."""
    from adversary.records import LEMMA_KIND
    from .lemmas import lemma_suite
    from . import opt as O
    su = lemma_suite(alg)
    inst = Instance.from_dict(instance_dict(v["M"], v["jobs"]))
    opt, sched = O.solve(inst)
    from kvsched.checker import check
    from .lemmas import lemma_run
    run = lemma_run(su, inst, opt, sched, check(sched, inst).completion)
    o = su.checks[lemma](run)
    rec = {"kind": LEMMA_KIND, "lemma": lemma, "algorithm": alg, "regime": su.regime,
           "params": {"alpha": su.params["alpha"], "dilation": run.dilation},
           "family": "exhaustive box (smallest violation)", "instance": inst.to_dict(),
           "n": inst.n, "large_memory_ratio": inst.large_memory_ratio,
           "schedule": {"attempts": run.result.schedule.to_dict()["attempts"]},
           "objective": int(run.result.objective),
           "reference_schedule": sched.to_dict(), "reference_objective": opt,
           "slack": float(o.slack), "violation": -float(o.slack), "violated": bool(o.violated),
           "inconclusive": bool(o.inconclusive), "basis": o.basis, "detail": o.detail,
           "provenance": provenance(0, {"exhaust": True, "n_max": cfg.n_max,
                                        "M_max": cfg.M_max, "lemma": lemma})}
    folder = Path(cfg.out) / f"{alg}-a{alpha_tag(alg, cfg.alpha)}"
    # the smallest violation depends on the box: one file per lemma and box
    return atomic_write_json(folder / f"lemma-{lemma}-smallest-n{cfg.n_max}-M{cfg.M_max}.json",
                             rec)


def summary(cfg: ExhaustConfig, alg: str, per: dict, stats: dict | None = None,
            root: str | Path = ".", witnesses: bool = True) -> dict[str, Any]:
    """The summary dict of ``alg`` from ``{(n, M): aggregate}`` (:func:`run.collect`);
    writes the witness and violation files on the way."""
    root = Path(root)
    secs = per.pop("_seconds", None)
    rows, lem, total = [], {}, 0
    best = None
    for (n, M) in sorted(per, key=lambda k: (k[1], k[0])):
        agg = per[(n, M)]
        total += agg["instances"]
        w = agg["worst"]
        r = Fraction(w["cost"], w["opt"])
        wfile = save_witness(cfg, alg, n, M, w) if witnesses else None
        row = {"n": n, "M": M, "instances": agg["instances"],
               "worst_ratio": {"value": float(r), "exact": f"{r.numerator}/{r.denominator}",
                               "certified": True, "alg_cost": w["cost"], "opt": w["opt"],
                               "instance": instance_dict(w["M"], w["jobs"]),
                               "witness": None if wfile is None else _rel(wfile, root)},
               "optimal": agg["optimal"], "mean_ratio": agg["ratio_sum"] / agg["instances"],
               "histogram": {"bin_width": 1 / BINS, "first_edge": 1.0, "counts": agg["hist"]}}
        rows.append(row)
        if best is None or r > best[0] or (r == best[0] and (n, M) < best[1][:2]):
            best = (r, (n, M, row))
        for name, L in agg["lemmas"].items():
            lem[name] = _merge_lemma(lem.get(name), L)
    lemmas = {}
    for name, L in lem.items():
        sv = L["smallest_violation"]
        entry = None
        if sv is not None:
            f = save_violation(cfg, alg, name, sv)
            entry = {"instance": instance_dict(sv["M"], sv["jobs"]), "slack": sv["slack"],
                     "file": _rel(f, root)}
        lemmas[name] = {"holds": L["violations"] == 0 and L["inconclusive"] == 0,
                        "checked": L["checked"], "worst_slack": L["worst_slack"],
                        "worst_slack_instance": None if L["worst_instance"] is None else
                        instance_dict(L["worst_M"], L["worst_instance"]),
                        "violations": L["violations"], "inconclusive": L["inconclusive"],
                        "smallest_violation": entry}
    r, (n, M, row) = best
    from .lemmas import lemma_suite
    su = lemma_suite(alg) if cfg.lemmas else None
    return {
        "kind": KIND, "algorithm": alg, "alpha": effective_alpha(alg, cfg.alpha),
        "box": {"n_max": cfg.n_max, "M_max": cfg.M_max}, "instances": total,
        "lemmas": lemmas,
        "worst_ratio": {"value": float(r), "exact": f"{r.numerator}/{r.denominator}",
                        "certified": True, "n": n, "M": M,
                        "instance": row["worst_ratio"]["instance"],
                        "witness": row["worst_ratio"]["witness"]},
        "ratio_params": ratio_params(alg, cfg.alpha),
        "lemma_params": None if su is None or not su.checks else
        {"regime": su.regime, **su.params},
        "bounds_source_sha1": _bounds_digest(),
        "label": "certified (exact): ALG is a checked schedule, OPT the exact DP optimum "
                 "(checked schedule; cross-checked against lp.astar/lp.brute in tests)",
        "per_nM": rows,
        "timing": {**(stats or {}), "chunk_seconds_total": secs,
                   "machine": "shared, loaded 2-core machine"},
        "provenance": provenance(None, {"algorithm": alg, "alpha": cfg.alpha,
                                        "n_max": cfg.n_max, "M_max": cfg.M_max,
                                        "lemmas": cfg.lemmas}),
    }


def _bounds_digest() -> str:
    """SHA-1 of the ``bounds`` sources when the summary is written. The checkpoint
    fingerprint does not cover them (docs/exhaustive.md): this says which lemma code the
    summary was written beside."""
    import hashlib
    import bounds
    h = hashlib.sha1()
    for f in sorted(Path(bounds.__file__).parent.glob("*.py")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _merge_lemma(a: dict | None, b: dict) -> dict:
    from .chunk import instance_key
    b = dict(b)
    if a is None:
        return b
    out = {"checked": a["checked"] + b["checked"], "violations": a["violations"] + b["violations"],
           "inconclusive": a["inconclusive"] + b["inconclusive"]}
    cands = [c for c in (a, b) if c["worst_slack"] is not None]
    w = min(cands, key=lambda c: (c["worst_slack"], instance_key(c["worst_M"], c["worst_instance"]))
            ) if cands else a
    out["worst_slack"], out["worst_instance"] = w["worst_slack"], w["worst_instance"]
    out["worst_M"] = w.get("worst_M")
    sv = [c["smallest_violation"] for c in (a, b) if c["smallest_violation"]]
    out["smallest_violation"] = min(sv, key=lambda v: instance_key(v["M"], v["jobs"])) if sv else None
    return out


def write_summary(cfg: ExhaustConfig, alg: str, d: dict) -> Path:
    return atomic_write_json(Path(cfg.out) / f"{stem(cfg, alg)}.json", d)


def plot_histogram(d: dict, path: str | Path) -> Path:
    """Ratio histogram per number of jobs (all M of the box summed), counts on a log axis."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    by_n: dict[int, dict[int, int]] = {}
    for row in d["per_nM"]:
        h = by_n.setdefault(row["n"], {})
        for b, c in row["histogram"]["counts"].items():
            h[int(b)] = h.get(int(b), 0) + c
    fig, ax = plt.subplots(figsize=(7, 3.6))
    width = 1 / BINS
    k = len(by_n)
    for j, (n, h) in enumerate(sorted(by_n.items())):
        xs = np.array(sorted(h)) * width + 1 + j * width / max(k, 1)
        ax.bar(xs, [h[b] for b in sorted(h)], width=width / max(k, 1), align="edge",
               label=f"n = {n}")
    ax.set_yscale("log")
    ax.set_xlabel("ALG / OPT (certified, exact), bins of width 1/%d" % BINS)
    ax.set_ylabel("instances")
    wr = d["worst_ratio"]
    ax.axvline(wr["value"], color="k", lw=0.8, ls="--")
    al = "" if d["alpha"] is None else f" alpha={d['alpha']:.4g}"
    ax.set_title(f"{d['algorithm']}{al}: every instance of n <= "
                 f"{d['box']['n_max']}, M <= {d['box']['M_max']} ({d['instances']:,}); "
                 f"worst {wr['exact']}", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def table_rows(d: dict) -> list[list]:
    """Rows ``n, M, instances, worst ratio, optimal share, mean ratio`` of a summary."""
    return [[r["n"], r["M"], r["instances"], f"{r['worst_ratio']['exact']} = "
             f"{r['worst_ratio']['value']:.4f}", f"{r['optimal'] / r['instances']:.3f}",
             f"{r['mean_ratio']:.4f}"] for r in d["per_nM"]]


START, END = "<!-- exhaust-table:start -->", "<!-- exhaust-table:end -->"


def iter_summaries(folder):
    import json
    for p in sorted(Path(folder).glob("*-n*-M*.json")):
        try:
            d = json.loads(p.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(d, dict) and d.get("kind") == KIND:
            yield p, d


def docs_markdown(folder, root: str | Path = ".") -> str:
    """The boxes table and the lemma table of every summary in ``folder`` (generated)."""
    rows = list(iter_summaries(folder))
    rows.sort(key=lambda pd: (pd[1]["algorithm"], pd[1]["box"]["n_max"] * 100 + pd[1]["box"]["M_max"]))
    out = ["| algorithm | alpha | box | instances | worst ALG/OPT, certified (exact) | "
           "worst instance | lemmas holding on the whole box | lemmas violated | "
           "worker s (sum over chunks) | summary |", "|---|---|---|---|---|---|---|---|---|---|"]
    for p, d in rows:
        wr = d["worst_ratio"]
        inst = wr["instance"]
        held = [n for n, L in d["lemmas"].items() if L["holds"]]
        bad = [n for n, L in d["lemmas"].items() if not L["holds"]]
        secs = (d.get("timing") or {}).get("chunk_seconds_total")
        al = "-" if d["alpha"] is None else f"{d['alpha']:.6g}"
        out.append(f"| {d['algorithm']} | {al} | n <= {d['box']['n_max']}, M <= "
                   f"{d['box']['M_max']} | {d['instances']:,} | {wr['exact']} = {wr['value']:.4f} | "
                   f"M={inst['M']}: " + " ".join(f"({j['s']},{j['o']})" for j in inst["jobs"]) +
                   f" | {len(held)} of {len(d['lemmas'])} | {', '.join(bad) or '-'} | "
                   f"{'-' if secs is None else f'{secs:.0f}'} | {_rel(p, Path(root))} |")
    out += ["", "Smallest violating instance per lemma (every lemma not listed holds on "
            "every box above):", "",
            "| algorithm | box | lemma | violations | smallest violating instance | slack | file |",
            "|---|---|---|---|---|---|---|"]
    for p, d in rows:
        for name, L in d["lemmas"].items():
            sv = L["smallest_violation"]
            if sv is None:
                continue
            inst = sv["instance"]
            out.append(f"| {d['algorithm']} | n <= {d['box']['n_max']}, M <= {d['box']['M_max']} "
                       f"| {name} | {L['violations']:,} of {L['checked']:,} | M={inst['M']}: "
                       + " ".join(f"({j['s']},{j['o']})" for j in inst["jobs"]) +
                       f" | {sv['slack']:.4g} | {sv['file']} |")
    return "\n".join(out) + "\n"


def update_doc(doc, folder, root: str | Path = ".") -> None:
    from kvsched.errors import InputFormatError
    from kvsched.results import atomic_write_text
    doc = Path(doc)
    text = doc.read_text()
    if START not in text or END not in text:
        raise InputFormatError(f"lacks the markers {START} ... {END}", path=str(doc))
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    atomic_write_text(doc, f"{head}{START}\n{docs_markdown(folder, root)}{END}{tail}")
