"""How loose are the proved round bounds? Seeded random search for the largest GBA-LIST round
length ``L_k / b_k`` (proved ``< 5``) and GBA-LIST-OVERLAP ``F_k / sum_{j<=k} b_j`` (proved
``< 5``). Run: ``python bench/proved_tightness.py`` (seed 0, 3000 instances, alpha = 2).
"""
import numpy as np, itertools
from kvsched.instance import Instance
from kvsched.algorithms import run_algorithm
from bounds.proved import round_checks, overlap_checks
rng = np.random.default_rng(0)
worst = {"gba_list L/b": (0, None), "overlap F/T": (0, None)}
for trial in range(3000):  # seed 0 above
    M = int(rng.integers(4, 60))
    n = int(rng.integers(2, 40))
    mode = trial % 4
    if mode == 0:
        o = rng.integers(1, M + 1, n); s = np.array([rng.integers(0, M - x + 1) for x in o])
    elif mode == 1:   # near-half peaks
        o = rng.integers(1, M // 2 + 1, n); s = np.maximum(0, M // 2 - o + rng.integers(-1, 2, n)); s = np.minimum(s, M - o)
    elif mode == 2:   # s = 0
        o = rng.integers(1, M + 1, n); s = np.zeros(n, int)
    else:             # peaks just above M/3 and M/2 mix
        o = rng.integers(1, M // 3 + 2, n); s = np.minimum(M - o, np.maximum(0, rng.choice([M // 3, M // 2], n) - o + 1))
    inst = Instance(s=s, o=o, M=M)
    for a in (2,):
        r = run_algorithm("gba_list", inst, alpha=a)
        for rec in round_checks(r, inst):
            if rec["L"] and rec["L"] / rec["b"] > worst["gba_list L/b"][0]:
                worst["gba_list L/b"] = (rec["L"] / rec["b"], (inst.s.tolist(), inst.o.tolist(), M, rec["k"]))
        r = run_algorithm("gba_list_overlap", inst, alpha=a)
        for rec in overlap_checks(r, inst):
            if rec["F"] / rec["T_b"] > worst["overlap F/T"][0]:
                worst["overlap F/T"] = (rec["F"] / rec["T_b"], (M, rec["k"]))
for k, v in worst.items(): print(k, v[0], str(v[1])[:300])
