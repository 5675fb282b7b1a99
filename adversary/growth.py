"""Growth curves: the certified ratio of a saved family instance as the family is scaled.

From a saved family record (``family_spec``, ``family_params``, ``family_seed``; see
:mod:`adversary.family_search`) three one-parameter curves are computed, every point a
fresh build, a checked run of the algorithm and a checked reference schedule
(:func:`adversary.evaluate.evaluate`: proven OPT up to ``EXACT_MAX_N`` jobs, else the best
checked construction), so each ratio is *certified* (``ALG/OPT``) or a *certified lower
bound* (``ALG/REF``), with ``ALG/LB`` beside it as the *estimate*:

* ``n``: every count multiplied by ``scale = 1, 2, 4, ...`` (same ``M``, same jobs, more of
  them) while ``n <= n_max`` (default ``10^4``);
* ``alpha``: the family rebuilt with its classes above the budgets of ``alpha`` and the
  algorithm run at ``alpha``, beside the derived bound ``R(alpha)``
  (``bounds.ratio_value``) -- for the algorithms that take an alpha;
* ``M``: memory ``M_0 2^j`` with every count multiplied by ``2^j`` (the same load per unit
  of memory; the prompts stay the same fractions of the cap, the lengths stay put), the
  direction in which Wang, Ye, Zhou (2025) report FCFS's ratio growing.

A curve is saved as ``{"kind": "kvsched-adversary-growth", ...}`` with its points and the
parameters to rebuild each one; :func:`replay_growth` recomputes every point and compares.
:func:`plot` draws the three panels (matplotlib) with the bounds.
"""
from __future__ import annotations

import math
from typing import Any

from kvsched.errors import InputFormatError, KvschedError
from kvsched.results import provenance

from .evaluate import bound_value, evaluate
from .param_family import ParamFamily

KIND = "kvsched-adversary-growth"
AXES = ("n", "alpha", "M")
ALPHAS = (1.5, 1.75, 2.0, 2.303, 2.6, 3.0, 3.5, 4.0, 5.0, 6.0)


def point(alg: str, regime: str, alpha: float | None, family: dict, values: dict,
          seed: int, *, scale: int = 1, M: int | None = None,
          family_alpha: float | None = None, reference: str = "lazy") -> dict[str, Any]:
    """One checked evaluation of the family at ``scale`` / ``M`` / ``family_alpha``
    (``reference``: ``lazy`` proves OPT up to ``EXACT_MAX_N`` jobs, ``construction``
    never solves)."""
    spec = dict(family)
    if family_alpha is not None:
        spec["alpha"] = float(family_alpha)
    inst = ParamFamily.from_dict(spec).build(values, seed, scale=scale, M=M)
    ev = evaluate(inst.to_dict(), {"alg": alg, "alpha": alpha, "reference": reference,
                                   "solver": "astar", "time_limit": 30.0, "seed": seed})
    if not ev["consistent"]:
        raise KvschedError(f"inconsistent evaluation at scale={scale}, M={M}, "
                           f"alpha={alpha}: {'; '.join(ev['problems'])}")
    return {"scale": scale, "M": inst.M, "family_alpha": spec["alpha"], "alpha": alpha,
            "n": inst.n, "large_memory_ratio": inst.large_memory_ratio,
            "alg_objective": ev["alg_objective"], "ref_objective": ev["ref_objective"],
            "ref_source": ev["ref_source"], "ratio": ev["ratio"],
            "ratio_label": ev["ratio_label"], "lower_bound": ev["lower_bound"],
            "ratio_to_lower_bound": ev["ratio_to_lower_bound"],
            "ratio_to_lower_bound_label": ev["ratio_to_lower_bound_label"],
            "bound_general": bound_value(alg, "general", alpha),
            "bound_regime": bound_value(alg, regime, alpha)}


def _grid(axis: str, rec: dict, n_max: int, alphas) -> list[dict[str, Any]]:
    fam = ParamFamily.from_dict(rec["family_spec"])
    n0 = fam.build(rec["family_params"], rec["family_seed"]).n
    M0 = int(rec["family_params"]["M"])
    steps = max(0, int(math.floor(math.log2(max(n_max / n0, 1)))))
    if axis == "n":
        return [{"scale": 2 ** j} for j in range(steps + 1)]
    if axis == "M":
        return [{"scale": 2 ** j, "M": M0 * 2 ** j} for j in range(steps + 1)]
    if axis == "alpha":
        return [{"alpha": float(a)} for a in alphas]
    raise KvschedError(f"unknown growth axis {axis!r}; choose from {', '.join(AXES)}")


def curve(rec: dict, axis: str, *, n_max: int = 10_000, alphas=ALPHAS,
          source: str | None = None, reference: str = "lazy") -> dict[str, Any]:
    """The growth record of one saved family record along ``axis`` (module doc)."""
    if not isinstance(rec, dict):
        raise InputFormatError("not a family record (a JSON object is expected)", path=source)
    for key in ("family_spec", "family_params", "algorithm", "regime"):
        if not rec.get(key):
            raise InputFormatError(f"not a family record (no {key!r})", path=source)
    if not rec.get("family_exact", True):
        raise InputFormatError("the record's instance was changed by moves after the family "
                               "built it; a growth curve needs a pure family record",
                               path=source)
    alg, regime = rec["algorithm"], rec["regime"]
    if axis == "alpha" and rec.get("alpha") is None:
        raise KvschedError(f"{alg} takes no alpha: no alpha curve")
    seed = int(rec.get("family_seed", 0))
    pts = []
    for g in _grid(axis, rec, n_max, alphas):
        a = g.get("alpha", rec.get("alpha"))
        pts.append(point(alg, regime, a, rec["family_spec"], rec["family_params"], seed,
                         scale=g.get("scale", 1), M=g.get("M"),
                         family_alpha=g.get("alpha"), reference=reference))
    params = {"axis": axis, "n_max": n_max, "alphas": list(alphas), "source": source,
              "reference": reference}
    return {"kind": KIND, "algorithm": alg, "regime": regime, "axis": axis,
            "alpha": rec.get("alpha"), "source": source, "family_spec": rec["family_spec"],
            "family_params": rec["family_params"], "family_seed": seed, "points": pts,
            "params": {"alpha": rec.get("alpha"), **params},
            "provenance": provenance(seed, params)}


def replay_growth(rec: dict) -> list[tuple[str, bool, str]]:
    """Recompute every point of a growth record: ``[(what, ok, detail)]``."""
    out = []
    for p in rec["points"]:
        q = point(rec["algorithm"], rec["regime"], p["alpha"], rec["family_spec"],
                  rec["family_params"], rec["family_seed"], scale=p["scale"],
                  M=p["M"] if rec["axis"] == "M" else None,
                  family_alpha=p["family_alpha"] if rec["axis"] == "alpha" else None,
                  reference=rec["params"].get("reference", "lazy"))
        same = all(q[k] == p[k] for k in ("n", "M", "alg_objective", "ref_objective",
                                          "ratio_label", "lower_bound"))
        out.append((f"{rec['axis']} point n={p['n']} M={p['M']} alpha={p['alpha']:.4g}",
                    same, f"ratio {q['ratio']:.6g} ({q['ratio_label']}), saved "
                          f"{p['ratio']:.6g}"))
    return out


def plot(curves: list[dict], path, title: str = "") -> None:
    """Three panels -- certified ratio vs n, vs alpha (with R(alpha)), vs M -- one line
    per (algorithm, regime); dotted: the ALG/LB estimate; dashed: the derived bound."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    colours: dict[tuple, str] = {}
    for c in sorted(curves, key=lambda c: (c["algorithm"], c["regime"], c["axis"])):
        key = (c["algorithm"], c["regime"])
        col = colours.setdefault(key, f"C{len(colours)}")
        ax = axes[AXES.index(c["axis"])]
        xs = [p[{"n": "n", "M": "M", "alpha": "family_alpha"}[c["axis"]]] for p in c["points"]]
        lab = f"{c['algorithm']} ({c['regime']})"
        ax.plot(xs, [p["ratio"] for p in c["points"]], "o-", color=col,
                label=f"{lab}: ALG/REF, certified lower bound")
        ax.plot(xs, [p["ratio_to_lower_bound"] for p in c["points"]], ":", color=col,
                alpha=0.7, label=f"{lab}: ALG/LB (estimate)")
        if c["axis"] == "alpha" and c["algorithm"] in ("gsa", "gba"):
            import numpy as np
            grid = np.linspace(min(xs), max(xs), 60)
            ax.plot(grid, [bound_value(c["algorithm"], c["regime"], a) for a in grid], "--",
                    color=col, alpha=0.6, label=f"{lab}: derived bound R(alpha)")
        elif c["points"][0]["bound_regime"] is not None:
            ax.axhline(c["points"][0]["bound_regime"], ls="--", color=col, alpha=0.6,
                       label=f"{lab}: derived bound at alpha={c['alpha']:.4g}")
    for ax, name in zip(axes, ("n (jobs; counts scaled)", "alpha", "M (counts scaled with M)")):
        ax.set_xlabel(name)
        ax.set_ylabel("ratio")
        ax.set_yscale("log")
        if name != "alpha":
            ax.set_xscale("log")
        ax.grid(True, which="both", alpha=0.3)
    for ax in axes:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=6, loc="best")
    fig.suptitle(title or "Certified ratios of the best families (every schedule checked; "
                          "solid: certified lower bound ALG/REF, dotted: estimate ALG/LB)",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
