"""lp: exact offline optima (time-indexed integer program, A* search, brute force) and lower
bounds.

* :mod:`lp.formulation` -- the time-indexed model, plain and tight, each speed-up proved;
* :mod:`lp.exact` -- ``solve(instance, solver="highs"|"cbc"|"astar", ...) -> ExactResult``;
* :mod:`lp.astar` -- the fast exact method: A* over start decisions with a strong bound;
* :mod:`lp.highs_backend`, :mod:`lp.pulp_backend` -- highspy directly (fast path) or PuLP
  (reference, and CBC);
* :mod:`lp.brute` -- an independent A* search for tiny instances (with or without kills);
* :mod:`lp.bounds` -- LP-relaxation and combinatorial lower bounds;
* :mod:`lp.verify_section` -- the ``kvsched verify`` section (certified ALG/OPT).
"""
