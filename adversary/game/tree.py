"""The optimal policy's decision tree: JSON (every consistent answer expanded) and a drawing.

A node is an information state at the start of a step: each job waiting (with its known
lower bound ``o > lb``), running (age), or done (its length); the policy's move; and one
child per adversary answer (which running jobs completed). A leaf is one o-vector with
the policy's cost, OPT and the certified (exact) ratio.
"""
from __future__ import annotations

from fractions import Fraction
from itertools import product

import numpy as np

from .family import Family
from .search import DONE, FRESH, KEEP, OFF, RUN, WAIT, GameResult

_NAMES = {WAIT: "waiting", RUN: "running", DONE: "done"}


def _move_text(key, mv) -> list[str]:
    out = []
    for i, ((kind, a, lb), m) in enumerate(zip(key, mv)):
        if kind == DONE:
            continue
        if kind == RUN:
            out.append({OFF: f"kill {i}", KEEP: f"keep {i}", FRESH: f"restart {i}"}[m])
        elif m == FRESH:
            out.append(f"start {i}")
    return out


def decision_tree(res: GameResult) -> dict:
    """The policy of ``res`` from the root, every consistent answer expanded."""
    fam, pol, opt = res.family, res.policy, res.opt_table

    def rec(key, t, comp):
        state = [{"job": i, "status": _NAMES[k], **({"o": a} if k == DONE else
                  {"age": a, "o_greater_than": lb} if k == RUN else {"o_greater_than": lb})}
                 for i, (k, a, lb) in enumerate(key)]
        if all(k == DONE for k, _, _ in key):
            o = tuple(a for _, a, _ in key)
            b = int(opt[tuple(v - 1 for v in o)])
            c = sum(comp)
            r = Fraction(c, b)
            return {"t": t, "leaf": True, "o": list(o), "cost": c, "opt": b,
                    "ratio": float(r), "ratio_exact": str(r), "label": "certified (exact)"}
        mv = pol[key]
        answers = []
        for i, ((k, a, lb), m) in enumerate(zip(key, mv)):
            if k == DONE:
                answers.append([((k, a, lb), comp[i], False)])
            elif m == OFF:
                answers.append([((WAIT, 0, lb), 0, False)])
            else:
                d = a + 1 if m == KEEP else 1
                ans = []
                if d < fam.U[i]:
                    ans.append(((RUN, d, max(lb, d)), 0, False))
                if d > lb:
                    ans.append(((DONE, d, 0), t + 1, True))
                answers.append(ans)
        kids = []
        for combo in product(*answers):
            nk = tuple(c[0] for c in combo)
            kids.append({"completed": [i for i, c in enumerate(combo) if c[2]],
                         "node": rec(nk, t + 1, tuple(c[1] for c in combo))})
        return {"t": t, "state": state, "move": _move_text(key, mv), "children": kids}

    return rec(tuple((WAIT, 0, 0) for _ in fam.s), 0, tuple(0 for _ in fam.s))


def draw_tree(tree: dict, path, title: str = "") -> None:
    """Draw ``tree`` (leaves spread evenly, parents above the mean of their children)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pos, edges, labels, leaves = {}, [], {}, []
    counter = [0]

    def place(node, depth, nid):
        if node.get("leaf"):
            x = counter[0]
            counter[0] += 1
            leaves.append(nid)
            labels[nid] = f"o={tuple(node['o'])}\n{node['cost']}/{node['opt']}"
        else:
            xs = []
            for j, ch in enumerate(node["children"]):
                cid = f"{nid}.{j}"
                xs.append(place(ch["node"], depth + 1, cid))
                done = ",".join(map(str, ch["completed"])) or "none"
                edges.append((nid, cid, f"done:{done}"))
            x = float(np.mean(xs))
            labels[nid] = f"t={node['t']}\n" + "\n".join(node["move"])
        pos[nid] = (x, -depth)
        return x

    place(tree, 0, "r")
    width = max(6.0, 1.3 * counter[0])
    depth = -min(y for _, y in pos.values()) + 1
    fig, ax = plt.subplots(figsize=(width, 1.5 * depth + 1))
    for a, b, lab in edges:
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax.plot([x0, x1], [y0, y1], color="0.6", lw=1, zorder=1)
        ax.text((x0 + x1) / 2, (y0 + y1) / 2, lab, fontsize=7, color="tab:blue",
                ha="center", va="center", bbox=dict(fc="white", ec="none", pad=0.5))
    for nid, (x, y) in pos.items():
        leaf = nid in leaves
        ax.text(x, y, labels[nid], ha="center", va="center", fontsize=7,
                bbox=dict(boxstyle="round", fc="#fde2c8" if leaf else "#d8e8f8", ec="0.4"),
                zorder=2)
    ax.set_xlim(-0.8, counter[0] - 0.2)
    ax.set_ylim(-depth + 0.4, 0.6)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
