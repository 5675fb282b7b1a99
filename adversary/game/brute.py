"""An independent brute force for the game value, for tests on n = 1, 2 with tiny L.

Shares nothing with :mod:`.search` but the family: no base collapse, no bisection, no
threshold pruning, idle steps allowed, and OPT from ``lp.brute`` (not ``lp.astar``).

Every deterministic policy, run against all o of the family, yields a *cost vector*
``(ALG(o))_o``. Over the full history tree (time, per-job state, completion times) the set
of vectors a policy can realise from a node is: at a leaf, the one cost; else the union
over moves of the merge (the answers' o-sets are disjoint) of one vector per answer. A
vector that is componentwise >= another can be dropped (it never gives a smaller max
ratio). Policies that leave a job unfinished at the horizon ``T`` are dropped; with
``T = floor(r0 * max OPT)`` and ``r0`` the ratio of the sequential policy that is exact,
since a policy of ratio <= r0 finishes every o by ``r0 OPT(o) <= T``.
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from itertools import product

from kvsched.instance import Instance

from .family import Family


def brute_value(fam: Family, max_vectors: int = 200_000) -> tuple[Fraction, int]:
    """``(value, horizon)`` of the game by enumerating every policy's cost vector."""
    from lp.brute import solve
    vecs = list(fam.vectors())
    index = {o: j for j, o in enumerate(vecs)}
    opt = [solve(Instance(s=list(fam.s), o=list(o), M=fam.M))[0] for o in vecs]
    seq = [sum(sum(o[:i + 1]) for i in range(fam.n)) for o in vecs]
    r0 = max(Fraction(c, b) for c, b in zip(seq, opt))
    T = int(r0 * max(opt))
    s, U, M, n = fam.s, fam.U, fam.M, fam.n
    count = [0]

    def pareto(vs):
        vs = sorted(set(vs), key=lambda v: sum(x for x in v if x is not None))
        keep = []
        for v in vs:
            if not any(all(a is None or a <= b for a, b in zip(k, v)) for k in keep):
                keep.append(v)
        return keep

    @lru_cache(maxsize=None)
    def node(t, states, comp):
        # states: per job ("wait", 0, lb) | ("run", age, lb) | ("done", o, 0)
        if all(k == "done" for k, _, _ in states):
            o = tuple(a for _, a, _ in states)
            v = [None] * len(vecs)
            v[index[o]] = sum(comp)
            return (tuple(v),)
        if t >= T:
            return ()
        opts = [("none",) if k == "done" else ("idle", "start") if k == "wait"
                else ("kill", "keep", "restart") for k, _, _ in states]
        out = []
        for mv in product(*opts):
            mem = 0
            answers = []
            for i, ((k, a, lb), m) in enumerate(zip(states, mv)):
                if m == "none":
                    answers.append([((k, a, lb), comp[i])])
                elif m in ("idle", "kill"):
                    answers.append([(("wait", 0, lb), 0)])
                else:
                    d = a + 1 if m == "keep" else 1
                    mem += s[i] + d
                    ans = []
                    if d < U[i]:
                        ans.append((("run", d, max(lb, d)), 0))
                    if d > lb:
                        ans.append((("done", d, 0), t + 1))
                    answers.append(ans)
            if mem > M:
                continue
            child_sets = []
            for combo in product(*answers):
                st = tuple(c[0] for c in combo)
                cp = tuple(c[1] for c in combo)
                child_sets.append(node(t + 1, st, cp))
            if any(len(cs) == 0 for cs in child_sets):
                continue
            merged = [tuple([None] * len(vecs))]
            for cs in child_sets:
                merged = [tuple(x if x is not None else y for x, y in zip(m1, c))
                          for m1 in merged for c in cs]
                merged = pareto(merged)
            out.extend(merged)
        out = pareto(out)
        count[0] += len(out)
        if count[0] > max_vectors:
            raise RuntimeError("brute force: too many cost vectors; family too big")
        return tuple(out)

    root = node(0, tuple(("wait", 0, 0) for _ in range(n)), tuple(0 for _ in range(n)))
    best = min(max(Fraction(c, b) for c, b in zip(v, opt)) for v in root)
    return min(best, r0), T
