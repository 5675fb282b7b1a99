"""Plot each derived ratio R(alpha) on alpha in (1, 8] with its exact minimum marked, and
optionally empirical worst ratios (adversary results) as points, labelled certified or
estimate. Matplotlib with the Agg backend (no display needed)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import sympy as sp

from kvsched.errors import InputFormatError

from .algebra import alpha
from .derive import derive_all

COLORS = {("gsa", "general"): "tab:red", ("gsa", "large"): "tab:orange",
          ("gba", "general"): "tab:blue", ("gba", "large"): "tab:cyan"}


def load_points(path: str | Path) -> list[dict]:
    """Adversary results: a JSON record, a list of records, ``{"records": [...]}``, or a
    folder of such files. Each point needs ``algorithm``, ``regime``, ``alpha``, ``ratio``
    and a label (``label`` or ``ratio_label``: certified / estimate)."""
    path = Path(path)
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    points: list[dict] = []
    for f in files:
        try:
            data = json.loads(f.read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise InputFormatError(f"cannot read points: {e}", str(f)) from None
        recs = data.get("records", [data]) if isinstance(data, dict) else data
        if not isinstance(recs, list):
            raise InputFormatError("expected a record or a list of records", str(f))
        for i, r in enumerate(recs):
            if not isinstance(r, dict):
                raise InputFormatError(f"record {i} is not an object", str(f))
            missing = [k for k in ("algorithm", "regime", "alpha", "ratio") if r.get(k) is None]
            if missing:
                if path.is_dir():
                    continue            # other files in a results folder (summaries)
                raise InputFormatError(f"record {i}: missing {missing}", str(f))
            points.append({"algorithm": r["algorithm"], "regime": r["regime"],
                           "alpha": float(r["alpha"]), "ratio": float(r["ratio"]),
                           "label": r.get("label") or r.get("ratio_label") or "estimate"})
    return points


def plot_bounds(out: str | Path, points: list[dict] | None = None) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = np.linspace(1.15, 8.0, 600)
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for d in derive_all():
        key = (d.algorithm, d.regime)
        f = sp.lambdify(alpha, d.expression, "numpy")
        hi = min(float(l.alpha_range[1]) for l in d.lemmas)   # beyond: a lemma's range ends
        inside = xs <= hi
        ax.plot(xs[inside], f(xs[inside]), color=COLORS[key],
                label=f"{d.algorithm.upper()} {d.regime}: ${sp.latex(d.expression)}$")
        if not inside.all():
            ax.plot(xs[~inside], f(xs[~inside]), color=COLORS[key], ls="--", lw=1)
        a, v = float(d.alpha_star), float(d.value)
        ax.plot([a], [v], "o", color=COLORS[key], ms=7)
        ax.annotate(f"min {v:.4g} at $\\alpha$={a:.4g}\n(published {d.published:g})",
                    (a, v), textcoords="offset points", xytext=(6, -22), fontsize=7,
                    color=COLORS[key])
    for p in points or []:
        key = (str(p["algorithm"]).split("_")[0], p["regime"])
        color = COLORS.get(key, "k")
        cert = str(p["label"]).startswith("certified")
        ax.plot([p["alpha"]], [p["ratio"]], "*" if cert else "x", color=color, ms=9,
                mfc=color if cert else "none")
    ax.plot([], [], "k*", label="empirical worst ratio (certified)")
    ax.plot([], [], "kx", label="empirical ratio vs lower bound (estimate)")
    ax.plot([], [], "k--", lw=1, label=r"dashed: outside a lemma's $\alpha$ range")
    ax.set_yscale("log")
    ax.set_xlim(1, 8)
    ax.set_ylim(1, 2000)
    ax.set_xlabel(r"$\alpha$")
    ax.set_ylabel(r"derived bound $R(\alpha)$")
    ax.set_title("Derived ratio bounds (bounds.derive_all) with exact minima")
    ax.legend(fontsize=7, loc="upper right")
    ax.grid(True, which="both", alpha=0.3)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
