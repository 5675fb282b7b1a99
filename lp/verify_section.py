"""``kvsched verify`` section of lp: algorithms against the proven optimum.

On the default small instances (``kvsched.defaults.small_instances``, n <= 6) every
instance is solved exactly by :func:`lp.exact.solve` (HiGHS, tight formulation) and again
by the combinatorial A* of :mod:`lp.astar` (two independent methods must agree); instances
with n <= 5 are also cross-checked by the independent A* search of :mod:`lp.brute`. Each
registered algorithm (GSA and GBA first) is run through ``run_algorithm`` (checked) and
``ALG/OPT`` is *certified* where OPT is proven; where the solver did not prove optimality
the ratio is against the best schedule found (a checked feasible schedule, so the ratio is
a certified *lower* bound on ALG/OPT) and the row's ``label`` says so.
"""
from __future__ import annotations

import numpy as np

from kvsched.defaults import small_instances
from kvsched.tables import Table

from .brute import solve as brute_solve
from .exact import solve

PRIMARY = ("gba", "gsa")


def section(seed: int, quick: bool) -> list[Table]:
    from kvsched.algorithms import REGISTRY, run_algorithm

    insts = small_instances(seed)
    opt_t = Table("Exact optima of the default instances (HiGHS, tight formulation; "
                  "lp.astar cross-check; brute force cross-check for n <= 5)",
                  ["instance", "n", "OPT", "status", "lower bound", "A*", "brute force",
                   "seconds"])
    opts = []
    for inst in insts:
        res = solve(inst, time_limit=5.0 if quick else 30.0)
        star = solve(inst, solver="astar", time_limit=5.0 if quick else 30.0)
        if res.proven_optimal and star.proven_optimal and star.objective != res.objective:
            opt_t.ok = False
            opt_t.notes.append(f"{inst.name}: HiGHS OPT {res.objective} but A* OPT "
                               f"{star.objective}")
        brute = brute_solve(inst)[0] if inst.n <= 5 else None
        # brute force is OPT: lower bound <= OPT <= any checked schedule's cost, with
        # equality on the right when the solver claims a proof
        if brute is not None and not (res.lower_bound <= brute <= res.objective and (
                brute == res.objective or not res.proven_optimal)):
            opt_t.ok = False
            opt_t.notes.append(f"{inst.name}: solver {res.status} {res.objective} (lower bound "
                               f"{res.lower_bound}) disagrees with brute force OPT {brute}")
        opt_t.add(inst.name, inst.n, res.objective, res.status, res.lower_bound,
                  star.objective if star.proven_optimal else f"{star.objective} (not proven)",
                  "-" if brute is None else brute, round(res.seconds, 3))
        opts.append(res)

    names = [*PRIMARY, *sorted(set(REGISTRY) - set(PRIMARY))]
    t = Table("Algorithms vs the proven optimum on the default instances (every schedule "
              "checked)", ["algorithm", "clairvoyant", "instances", "mean ALG/OPT",
                           "worst ALG/OPT", "label", "worst instance", "not proven optimal"])
    for name in names:
        ratios, unproven = [], 0
        for inst, res in zip(insts, opts):
            alg = run_algorithm(name, inst).objective
            ratios.append(alg / res.objective)
            if not res.proven_optimal:
                unproven += 1
            if alg < res.lower_bound:
                t.ok = False
                t.notes.append(f"{name} on {inst.name}: cost {alg} below the proven lower "
                               f"bound {res.lower_bound}")
        k = int(np.argmax(ratios))
        label = "certified" if unproven == 0 else "certified lower bound"
        t.add(name, REGISTRY[name].clairvoyant, len(insts), float(np.mean(ratios)),
              float(ratios[k]), label, insts[k].name, unproven)
    if any(not r.proven_optimal for r in opts):
        t.notes.append("rows with 'not proven optimal' > 0 divide by the best schedule found: "
                       "those ratios are certified lower bounds on ALG/OPT, not ALG/OPT")
    else:
        t.notes.append("every OPT proven optimal: all ratios are certified")
    return [t, opt_t]
