"""lp: exact offline optima (time-indexed integer program, brute force) and lower bounds.

* :mod:`lp.formulation` -- the time-indexed model, plain and tight, each speed-up proved;
* :mod:`lp.exact` -- ``solve(instance, solver="highs"|"cbc", ...) -> ExactResult``;
* :mod:`lp.highs_backend`, :mod:`lp.pulp_backend` -- highspy directly (fast path) or PuLP
  (reference, and CBC);
* :mod:`lp.brute` -- an independent A* search for tiny instances (with or without kills);
* :mod:`lp.bounds` -- LP-relaxation and combinatorial lower bounds;
* :mod:`lp.verify_section` -- the ``kvsched verify`` section (certified ALG/OPT).
"""
