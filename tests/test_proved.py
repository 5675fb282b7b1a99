"""Try to break every lemma of the proved GBA-LIST chain (bounds/proved.py, docs/proofs.md).

Per round of every run: count ``N_ALG(E_k) >= n*(b_k)`` (the area-count upper bound on any
schedule's count by ``alpha^k``: valid without OPT), length ``L_k <= 5 b_k`` and the sharper
``M L_k < 4 A_k + M b_k`` (and the eps form when every peak ``<= M/2``), exact integers.
End to end: ``ALG <= R(alpha) OPT`` and the per-rank form ``C_(i) <= R(alpha) C*_(i)``
against proven optima (lp.exact, A*). Broken variants show that each check can fail.
"""
from __future__ import annotations

import itertools
import json
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from bounds import proved as P
from bounds.algebra import alpha as ALPHA
from bounds.catalogue import interval_factor
from bounds.empirical import (TRACE, geometric_classes, half_memory, large_memory_instance,
                              many_tiny, trace_instance)
from bounds.lemmas import PROVED_BY_HAND, PROVED_SYMBOLIC
from kvsched.algorithms import run_algorithm
from kvsched.algorithms.gba_list import floor_budgets
from kvsched.algorithms.pipeline import geometric_budgets
from kvsched.defaults import hand_made, random_instance
from kvsched.errors import InfeasibleScheduleError, KvschedError
from kvsched.instance import Instance
from lp.exact import solve

ALPHAS = (2, 1.5, 3, 2.303)


@lru_cache(maxsize=None)
def _R(a, algorithm: str = "gba_list") -> Fraction:
    """The proved general ratio at alpha = a (exact: a is read as its exact rational)."""
    r = P.proved_ratio(algorithm, "general")["expression"].subs(ALPHA, sp.Rational(Fraction(a)))
    return Fraction(str(sp.Rational(r)))


@lru_cache(maxsize=None)
def _R_eps_at(a, peak: int, M: int) -> Fraction:
    r = P.ratio_eps_overlap().subs({ALPHA: sp.Rational(Fraction(a)), P.eps: sp.Rational(peak, M)})
    return Fraction(str(sp.Rational(r)))


@lru_cache(maxsize=None)
def _R_eps_fifo_at(a, peak: int, M: int) -> Fraction:
    r = P.ratio_eps_fifo().subs({ALPHA: sp.Rational(Fraction(a)), P.eps: sp.Rational(peak, M)})
    return Fraction(str(sp.Rational(r)))


def _R_eps_fifo(inst: Instance, a) -> Fraction | None:
    """GBA-LIST-FIFO's eps ratio 2/(1-eps) (2a-1)/(a-1) + a with eps = max peak / M (None
    if some peak > M/2: then the general ratio 5 a^2/(a-1) applies)."""
    P_ = int((inst.s + inst.o).max())
    if 2 * P_ > inst.M:
        return None
    return _R_eps_fifo_at(a, P_, int(inst.M))


def _R_eps(inst: Instance, a) -> Fraction | None:
    """GBA-LIST-OVERLAP's eps ratio for this instance (None if some peak > M/2)."""
    P_ = int((inst.s + inst.o).max())
    if 2 * P_ > inst.M:
        return None
    return _R_eps_at(a, P_, int(inst.M))


def _violations(inst: Instance, a=2, variant: str = "proved",
                algorithm: str = "gba_list") -> list[str]:
    run = run_algorithm(algorithm, inst, alpha=a, variant=variant)
    assert run.report.wasted_tokens == 0
    bad = []
    checks = P.round_checks if algorithm == "gba_list" else P.overlap_checks
    for rec in checks(run, inst):
        for key in ("count_ok", "length_ok", "length_sharp_ok", "length_eps_ok", "drain_ok"):
            if key in rec and not rec[key]:
                bad.append(f"{algorithm} {inst.name} alpha={a} k={rec['k']}: {key} {rec}")
    return bad


def _fifo_violations(inst: Instance, a, variant: str = "proved") -> list[str]:
    """GBA-LIST-FIFO: the general (section 10) checks per k, and with every peak <= M/2
    the start lemma per job and the partial-round lemma per t (exact integers)."""
    run = run_algorithm("gba_list_fifo", inst, alpha=a, variant=variant)
    assert run.report.wasted_tokens == 0
    bad = []
    for rec in P.overlap_checks(run, inst):
        for key in ("count_ok", "length_ok", "length_sharp_ok", "length_eps_ok", "drain_ok"):
            if key in rec and not rec[key]:
                bad.append(f"gba_list_fifo {inst.name} alpha={a} k={rec['k']}: {key} {rec}")
    st, rk = P.fifo_start_checks(run, inst), P.fifo_rank_checks(run, inst)
    bad += [f"gba_list_fifo {inst.name} alpha={a}: start lemma fails for job {j}"
            for j in st["violations"]]
    bad += [f"gba_list_fifo {inst.name} alpha={a}: partial-round lemma fails {v}"
            for v in rk["violations"]]
    return bad


def _both(inst: Instance, a) -> list[str]:
    return (_violations(inst, a) + _violations(inst, a, algorithm="gba_list_overlap")
            + _fifo_violations(inst, a))


def _rank_violations(inst: Instance, a, variant: str = "proved", algorithm: str = "gba_list",
                     opt=None) -> list[str]:
    """``C_(i) <= R(a) C*_(i)`` for every rank against a proven optimum (for the overlap
    variant with the eps ratio when every peak is ``<= M/2``, else the general one)."""
    opt = opt or solve(inst, solver="astar")
    assert opt.proven_optimal
    run = run_algorithm(algorithm, inst, alpha=a, variant=variant)
    C = np.sort(run.report.completion)
    Cs = np.sort(opt.report.completion)
    R = _R(a, algorithm)
    if algorithm == "gba_list_overlap" and _R_eps(inst, a) is not None:
        R = _R_eps(inst, a)
    if algorithm == "gba_list_fifo" and _R_eps_fifo(inst, a) is not None:
        R = _R_eps_fifo(inst, a)
    out = [f"rank {i}: {c} > R * {cs}" for i, (c, cs) in enumerate(zip(C.tolist(), Cs.tolist()))
           if c > R * cs]
    if run.objective > R * opt.objective:
        out.append(f"ALG {run.objective} > R(alpha) * OPT {opt.objective}")
    return out


# --- the symbolic side --------------------------------------------------------------------
def test_every_algebra_step_holds_and_every_lemma_is_proved():
    steps = P.all_steps()
    assert len(steps) >= 30
    assert all(st.holds for st in steps), [st.name for st in steps if not st.holds]
    ch = P.chains()
    assert {(c["algorithm"], c["regime"]) for c in ch} == {
        (a, r) for a in ("gba_list", "gba_list_overlap", "gba_list_fifo")
        for r in ("general", "large")}
    for c in ch:
        assert c["doc"].startswith("docs/proofs.md#")
        for lem in c["lemmas"]:
            assert lem.establishment in (PROVED_BY_HAND, PROVED_SYMBOLIC), lem.name


def test_proved_ratio_minimum_and_gap():
    g, l = P.proved_ratio("gba_list", "general"), P.proved_ratio("gba_list", "large")
    assert sp.simplify(g["expression"] - 5 * ALPHA ** 2 / (ALPHA - 1)) == 0
    assert sp.simplify(l["expression"] - 3 * ALPHA ** 2 / (ALPHA - 1)) == 0
    assert (g["alpha_star"], g["value"]) == (2, 20) and g["unique_minimum"]
    assert (l["alpha_star"], l["value"]) == (2, 12) and l["unique_minimum"]
    assert g["published_gba"] == 10.67 and l["published_gba"] == 6.75
    assert g["gap"] > 9 and l["gap"] > 5                  # far from the published constants
    # the finite-eps ratio is the general one at eps = 1/2 and the large one at eps -> 0
    assert sp.simplify(P.ratio_eps().subs(P.eps, sp.Rational(1, 2)) - g["expression"]) == 0
    assert sp.simplify(sp.limit(P.ratio_eps(), P.eps, 0) - l["expression"]) == 0
    with pytest.raises(ValueError):
        P.proved_ratio("gba", "general")


def test_certificate_rejects_a_wrong_constant():
    """The step 'L < 4A/M + b <= c b' with c = 4 instead of 5 must fail, as must the
    big-job step with a threshold M/4 instead of M/2."""
    b, M, y, As = sp.symbols("b M y A_small", nonnegative=True)
    wrong = (4 * b - 4 * (M * b - y) / M - b)
    assert not P.nonneg_vars("c = 4", wrong, (M, b, y, As), "wrong").holds
    s, o, x = P.s, P.o, P.x
    wrong_big = (4 * P.area(s, o) - (4 * (s + o) - 1 - x) * o - 3 * o)
    assert not P.nonneg_vars("M up to 4p", wrong_big, (s, o, x), "wrong").holds


# --- the algorithm ------------------------------------------------------------------------
def test_budgets_are_exact_floors():
    assert floor_budgets(2, 12) == geometric_budgets(2.0, 12) == [2 ** k for k in range(12)]
    assert floor_budgets(3, 9) == geometric_budgets(3.0, 9)
    assert floor_budgets(1.5, 6) == [1, 1, 2, 3, 5, 7]
    assert floor_budgets(2.303, 6) == [int(Fraction(2.303) ** k) for k in range(6)]
    for bad in (1, 0.5):
        with pytest.raises(KvschedError):
            run_algorithm("gba_list", Instance(s=[0], o=[1], M=1), alpha=bad)
    with pytest.raises(KvschedError):
        run_algorithm("gba_list", Instance(s=[0], o=[1], M=1), variant="nope")


def test_random_instances_never_break_a_lemma():
    bad = []
    for seed in range(120):
        M = [6, 10, 20, 40][seed % 4]
        inst = random_instance(3 + seed % 12, seed, M=M, o_max=min(M, [4, 8, 16][seed % 3]),
                               s_max=M)
        for a in ALPHAS:
            bad += _both(inst, a)
    assert not bad, bad[:5]


def _structured() -> list[Instance]:
    out = [*hand_made(), half_memory(7), half_memory(25), half_memory(40, M=21),
           many_tiny(120), many_tiny(400, M=40), geometric_classes(2.0, 600, 4),
           geometric_classes(3.0, 200, 4), large_memory_instance(60, 1)]
    # big jobs of peak just above M/2 (s = 0), just-small jobs at M/2, and a mix
    out.append(Instance(s=[0] * 30, o=[11] * 30, M=20, name="big-s0"))
    out.append(Instance(s=[0] * 30 + [5] * 30, o=[10] * 30 + [5] * 30, M=20, name="half-peak"))
    out.append(Instance(s=[19] * 10 + [0] * 60, o=[1] * 10 + [2] * 60, M=20, name="prompt-mix"))
    # G6' of docs/algorithms.md (GBA round of 2.375 tau)
    so = [(0, 6), (0, 26), (25, 1), (0, 25), (15, 11), (22, 4), (0, 1), (0, 23), (15, 11),
          (0, 20), (4, 22), (0, 13), (0, 3), (9, 17), (0, 18), (0, 8), (0, 16), (0, 20),
          (3, 23), (17, 9), (12, 14), (16, 10)]
    out.append(Instance(s=[a for a, _ in so], o=[b for _, b in so], M=26, name="G6prime"))
    # geometric classes with prompts: every class full, half of its jobs big
    o = [t for t in floor_budgets(2, 6) for _ in range(6)]
    out.append(Instance(s=[(40 - t) // 2 + 1 if i % 2 else 0 for i, t in enumerate(o)], o=o,
                        M=40, name="classes-big-small"))
    return out


def test_structured_instances_never_break_a_lemma():
    bad = []
    for inst in _structured():
        for a in ALPHAS:
            bad += _both(inst, a)
    assert not bad, bad[:5]


def test_trace_sample_never_breaks_a_lemma():
    if not TRACE.exists():
        pytest.skip("trace not available")
    bad = []
    for M, seed in ((8192, 0), (16384, 1), (1 << 17, 2)):
        inst = trace_instance(300, seed, M)
        bad += _both(inst, 2) + _both(inst, 1.8165) + _fifo_violations(inst, 2.4142)
    assert not bad, bad[:5]


def _box(M_max: int, n_max: int):
    for M in range(1, M_max + 1):
        types = [(s, o) for o in range(1, M + 1) for s in range(0, M - o + 1)]
        for n in range(1, n_max + 1):
            for ms in itertools.combinations_with_replacement(types, n):
                yield Instance(s=[a for a, _ in ms], o=[b for _, b in ms], M=M,
                               name=f"box-M{M}-{ms}")


def _exhaustive(M_max: int):
    bad, count = [], 0
    for inst in _box(M_max, 3):
        count += 1
        opt = solve(inst, solver="astar")
        for a in (2, 1.5):
            bad += _both(inst, a)
        bad += _rank_violations(inst, 2, opt=opt)
        bad += _rank_violations(inst, 1.8165, algorithm="gba_list_overlap", opt=opt)
        for a in (2.4142, 3):
            bad += _rank_violations(inst, a, algorithm="gba_list_fifo", opt=opt)
        # the area-count bound is an upper bound on the optimum's count
        C = np.sort(opt.report.completion)
        for t in range(1, int(C[-1]) + 1):
            if int(np.searchsorted(C, t, side="right")) > P.area_count_upper(inst, t):
                bad.append(f"area-count bound below OPT's count at t={t}: {inst.name}")
    return bad, count


def test_exhaustive_tiny_box_M4():
    bad, count = _exhaustive(4)
    assert count == 390 and not bad, bad[:5]


@pytest.mark.slow
def test_exhaustive_tiny_box_M6():
    bad, count = _exhaustive(6)
    assert count == 3228 and not bad, bad[:5]


def test_ratio_against_proven_optima():
    bad = []
    for seed in range(40):
        M = [10, 20][seed % 2]
        inst = random_instance(4 + seed % 5, 1000 + seed, M=M, o_max=8)
        opt = solve(inst, solver="astar")
        for a in (2, 3):
            bad += _rank_violations(inst, a, opt=opt)
            bad += _rank_violations(inst, a, algorithm="gba_list_overlap", opt=opt)
        bad += _rank_violations(inst, 1.8165, algorithm="gba_list_overlap", opt=opt)
        for a in (2, 2.4142, 3):
            bad += _rank_violations(inst, a, algorithm="gba_list_fifo", opt=opt)
    assert not bad, bad[:5]


# --- the checks can fail ------------------------------------------------------------------
def test_largest_area_selection_breaks_the_count():
    caught = [v for seed in range(40)
              for v in _violations(random_instance(6, seed, M=10, o_max=6), 2, "largest-area")
              if "count_ok" in v]
    assert caught


def test_serial_rounds_break_the_length_and_the_ratio():
    inst = many_tiny(200, M=40)
    assert any("length_ok" in v for v in _violations(inst, 2, "serial"))
    assert _rank_violations(inst, 2, "serial")
    assert not _rank_violations(inst, 2)
    assert any("length_ok" in v for v in _violations(inst, 2, "serial", "gba_list_overlap"))
    assert _rank_violations(inst, 2, "serial", "gba_list_overlap")
    assert not _rank_violations(inst, 2, algorithm="gba_list_overlap")


def test_no_reservation_is_caught():
    """Starting small jobs on current memory alone overloads memory (the checker refuses
    the schedule) or breaks a round bound on some instance."""
    caught = 0
    for seed in range(60):
        inst = random_instance(8, seed, M=20, o_max=12)
        try:
            caught += bool(_violations(inst, 2, "no-reservation"))
        except InfeasibleScheduleError:
            caught += 1
    assert caught


# --- the certified counterexample to GSA <= 61.92 (docs/proofs.md section 12) -------------
COUNTEREXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "counterexamples" / "gsa-huge-prompts.json"


def test_saved_gsa_counterexample_is_certified():
    """From the file alone: both schedules pass the checker on the saved instance, their
    costs are the recorded ones, and GSA's cost exceeds 61.92 times a feasible schedule's
    (hence 61.92 times OPT)."""
    from bounds.derive import PUBLISHED
    from kvsched.checker import check
    from kvsched.instance import instance_from_dict
    from kvsched.schedule import Schedule
    rec = json.loads(COUNTEREXAMPLE.read_text())
    inst = instance_from_dict(rec["instance"])
    alg = check(Schedule.from_dict(rec["algorithm"]["schedule"]), inst).objective
    ref = check(Schedule.from_dict(rec["reference"]["schedule"]), inst).objective
    assert (alg, ref) == (rec["algorithm"]["objective"], rec["reference"]["objective"])
    assert alg > PUBLISHED[("gsa", "general")] * ref
    assert rec["algorithm"]["name"] == "gsa" and rec["reference"]["name"] == "gba_list"


@pytest.mark.slow
def test_current_gsa_still_reproduces_the_counterexample():
    rec = json.loads(COUNTEREXAMPLE.read_text())
    from kvsched.instance import instance_from_dict
    inst = instance_from_dict(rec["instance"])
    params = {k: v for k, v in rec["algorithm"]["params"].items()}
    assert run_algorithm("gsa", inst, **params).objective == rec["algorithm"]["objective"]


def test_docs_state_the_computed_numbers():
    """docs/proofs.md quotes the minima and the conditional ratios; they must be the ones
    bounds.proved computes (a changed lemma constant makes this fail)."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "proofs.md").read_text()
    for alg, reg, text in (("gba_list", "general", "**20**"), ("gba_list", "large", "**12**"),
                           ("gba_list_overlap", "large", "9.899")):
        v = P.proved_ratio(alg, reg)["value"]
        assert text.strip("*") in (f"{float(v):.3f}", f"{float(v):.0f}") and text in doc
    assert "`alpha* = 1 + sqrt(6)/3 = 1.8165`" in doc and "within `1e-7` of the minimum" in doc
    R = P.proved_ratio("gba_list_overlap", "large")["expression"]
    assert 0 <= float(R.subs(ALPHA, sp.Rational(Fraction(1.8165))) - (5 + 2 * sp.sqrt(6))) < 1e-7
    assert sp.simplify(P.proved_ratio("gba_list_overlap", "large")["alpha_star"]
                       - (1 + sp.sqrt(6) / 3)) == 0
    cond = P.conditional_ratios()
    assert f"{float(cond['gba_list_overlap, true-profile packing']['value']):.2f}" == "5.83"
    assert "3 + 2 sqrt 2 = 5.83" in doc and "ratio 8" in doc
    assert cond["gba_list, true-profile packing"]["value"] == 8
    assert cond["dilation needed at alpha = 2 for the published general constant"]["value"] \
        == sp.Rational(8, 3) and "`c = 8/3`" in doc
    assert cond["dilation needed at alpha = 2 for the published large constant"]["value"] \
        == sp.Rational(27, 16) and "`c = 27/16`" in doc


def test_length_constant_four_is_nearly_reached():
    """Jobs s = 0, o = M/2 + 1 run alone under peak reservation: GBA-LIST's rounds reach
    L_k = 3.75 b_k (-> 4 as b_k / M grows), so the 4 of 'L_k < 4 A/M + b_k' is tight."""
    for M in (62, 126):
        inst = Instance(s=[0] * 40, o=[M // 2 + 1] * 40, M=M)
        rows = P.round_checks(run_algorithm("gba_list", inst, alpha=2), inst)
        assert max(Fraction(r["L"], r["b"]) for r in rows) == Fraction(15, 4)
        assert all(r["length_ok"] and r["length_sharp_ok"] for r in rows)


def test_gsa_is_not_constant_competitive_even_with_large_memory():
    """The sympy steps of docs/proofs.md section 12 hold, and on a member of the family
    (eps = 1/20) GSA's cost is at least the proof's lower bound n h (eps - L/M) T' while a
    checked schedule costs at most the proof's upper bound."""
    assert all(st.holds for st in P.gsa_unbounded_steps())
    from kvsched.algorithms.pipeline import geometric_budgets
    L, n, m, h = 14, 256, 20, 100
    M = n * L
    inst = Instance(s=[M // m - L] * h + [0] * n, o=[L] * (h + n), M=M)
    assert inst.large_memory_ratio <= 1 / m
    for a in (2.0, None):
        run = run_algorithm("gsa", inst, **({} if a is None else {"alpha": a}))
        taus = geometric_budgets(run.params["alpha"], 20)
        T_prime = sum(t for t in taus if t < L)
        assert run.objective >= n * h * Fraction(M // m - L, M) * T_prime
    B = h // m
    ref = min(run_algorithm(x, inst).objective for x in ("gba_list", "gba_list_overlap"))
    assert ref <= n * L + h * L + L * m * B * (B + 1) // 2


# --- GBA-LIST-FIFO (docs/proofs.md section 13) --------------------------------------------
def test_fifo_ratio_minima():
    """Large memory 5 + 2 sqrt 2 at alpha = 1 + sqrt 2 (was 9.90); every peak <= M/2: 13 at
    alpha = 3; general 20. Computed, unique global minima."""
    from bounds.derive import minimise
    lg, gn = P.proved_ratio("gba_list_fifo", "large"), P.proved_ratio("gba_list_fifo", "general")
    assert sp.simplify(lg["expression"] - (2 * (2 * ALPHA - 1) / (ALPHA - 1) + ALPHA)) == 0
    assert sp.simplify(lg["alpha_star"] - (1 + sp.sqrt(2))) == 0 and lg["unique_minimum"]
    assert sp.simplify(lg["value"] - (5 + 2 * sp.sqrt(2))) == 0
    assert float(lg["value"]) < float(P.proved_ratio("gba_list_overlap", "large")["value"])
    assert (gn["alpha_star"], gn["value"]) == (2, 20)
    half = minimise(sp.factor(P.ratio_eps_fifo().subs(P.eps, sp.Rational(1, 2))))
    assert (half.alpha_star, half.value) == (3, 13) and half.is_unique_minimum
    assert sp.simplify(sp.limit(P.ratio_eps_fifo(), P.eps, 0) - lg["expression"]) == 0


def test_fifo_certificate_rejects_wrong_steps():
    """Charging only the rounds before m (dropping the '+ 1' of (2a-1)/(a-1) = a/(a-1) + 1)
    is not an identity, and the m = 0 step fails with a ratio below c1 + 1."""
    c1, t = sp.symbols("c1 t", positive=True)
    wrong = A_identity = __import__("bounds.algebra", fromlist=["identity"]).identity
    assert not A_identity("wrong", c1 * ALPHA / (ALPHA - 1) + ALPHA,
                          c1 * P.fifo_rank_factor(c1)).holds
    assert not P.nonneg_vars("wrong m=0", (c1 * ALPHA / (ALPHA - 1) - c1 - 1).subs(ALPHA, 1 + t),
                             (c1, t), "wrong").holds
    assert wrong is A_identity


COUNT_HALF_BOX = 1595


def test_fifo_exhaustive_peaks_at_most_half():
    """Every instance with M <= 10, n <= 3 and every peak <= M/2 (the eps form's domain):
    start lemma per job, partial-round lemma per t, at alpha in (1.5, 2, 1 + sqrt 2, 3)."""
    bad, count = [], 0
    for M in range(2, 11):
        types = [(s_, o_) for o_ in range(1, M // 2 + 1) for s_ in range(0, M // 2 - o_ + 1)]
        for n in range(1, 4):
            for ms in itertools.combinations_with_replacement(types, n):
                inst = Instance(s=[x for x, _ in ms], o=[y for _, y in ms], M=M,
                                name=f"half-box-M{M}-{ms}")
                count += 1
                for a in (1.5, 2, 2.4142, 3):
                    bad += _fifo_violations(inst, a)
    assert count == COUNT_HALF_BOX and not bad, bad[:5]


def test_fifo_peaks_at_most_half_random_many_jobs():
    bad = []
    rng = np.random.default_rng(7)
    for _ in range(60):
        M = int(rng.choice([10, 20, 40, 200]))
        n = int(rng.integers(5, 60))
        o = rng.integers(1, M // 2 + 1, n)
        s = [int(rng.integers(0, M // 2 - x + 1)) if rng.random() < 0.3 else 0 for x in o]
        inst = Instance(s=s, o=o.tolist(), M=M)
        for a in (2, 2.4142):
            bad += _fifo_violations(inst, a)
    assert not bad, bad[:5]


def test_fifo_start_lemma_is_nearly_tight():
    """Jobs with s = 0 reserve their peak while holding on average half of it: the start
    lemma's slack on full rounds of such jobs is small (the factor 2 of p o <= 2a is paid)."""
    inst = Instance(s=[0] * 200, o=[10] * 200, M=100)
    st = P.fifo_start_checks(run_algorithm("gba_list_fifo", inst, alpha=2.4142), inst)
    assert st["applicable"] and not st["violations"] and st["worst_slack"] < 0.25


def test_fifo_mutants_are_caught():
    """Skip-and-continue (the overlapped rule) breaks the per-job start lemma; selecting the
    largest areas breaks the partial-round count; running jobs alone breaks both."""
    inst = Instance(s=[0, 6, 0, 0, 0], o=[5, 4, 10, 7, 8], M=20)
    assert not _fifo_violations(inst, 3)
    assert any("start lemma" in v for v in _fifo_violations(inst, 3, "skip"))
    inst = Instance(s=[4] + [0] * 10 + [4, 4], o=[1, 1, 3, 5, 1, 1, 1, 2, 1, 5, 3, 1, 1], M=10)
    assert not _fifo_violations(inst, 3)
    assert any("partial-round" in v for v in _fifo_violations(inst, 3, "largest-area"))
    inst = many_tiny(200, M=40)
    v = _fifo_violations(inst, 2, "serial")
    assert any("start lemma" in x for x in v) and any("partial-round" in x for x in v)
    assert _rank_violations(inst, 2, "serial", "gba_list_fifo")
    assert not _rank_violations(inst, 2, algorithm="gba_list_fifo")


def test_fifo_docs_state_the_computed_numbers():
    """docs/proofs.md section 13 quotes the computed minima (large, eps = 1/2, general) and
    the overlapped variant's eps = 1/2 minimum it compares with."""
    from bounds.derive import minimise
    doc = (Path(__file__).resolve().parents[1] / "docs" / "proofs.md").read_text()
    lg = P.proved_ratio("gba_list_fifo", "large")["value"]
    assert f"`5 + 2 sqrt 2` = {float(lg):.3f}" in doc and "`alpha* = 1 + sqrt 2`" in doc
    half = minimise(sp.factor(P.ratio_eps_fifo().subs(P.eps, sp.Rational(1, 2))))
    assert f"minimum **{half.value}** at `alpha = {half.alpha_star}`" in doc
    ov = minimise(sp.factor(P.ratio_eps_overlap().subs(P.eps, sp.Rational(1, 2))))
    assert f"{float(ov.value):.2f} there" in doc
    assert f"({COUNT_HALF_BOX} instances, 4 alphas)" in doc
    R = P.proved_ratio("gba_list_fifo", "large")["expression"]
    assert 0 <= float(R.subs(ALPHA, sp.Rational(Fraction(2.4142))) - lg) < 1e-6
    assert P.proved_ratio("gba_list_fifo", "general")["value"] == 20


def test_fifo_conditional_true_profile_is_computed():
    """The conditional (not proved) consequence quoted in section 11: c1 = 1 in the
    partial-round lemma gives (2a-1)/(a-1) + a, minimum 5 at alpha = 2."""
    c = P.conditional_ratios()["gba_list_fifo, true-profile packing"]
    assert (c["alpha_star"], c["value"]) == (2, 5)
    doc = (Path(__file__).resolve().parents[1] / "docs" / "proofs.md").read_text()
    assert f"minimum **{c['value']} at alpha = {c['alpha_star']}**" in doc


def test_fifo_ledger_count_check_sees_a_broken_count():
    """The ledger's check of gba_list_fifo-count (bounds.chains -> round_checks): the proved
    variant passes, selecting the largest areas first fails."""
    from bounds.chains import all_chains, checker
    ch = {c.key: c for c in all_chains()}["gba_list_fifo-general"]
    (lem,) = [l for l in ch.lemmas if l.empirical]
    fn = checker(lem, ch)

    class _Run:                       # what bounds.chains passes: .result and .instance
        def __init__(self, inst, variant):
            self.result = run_algorithm("gba_list_fifo", inst, alpha=2, variant=variant)
            self.instance = inst
    insts = [random_instance(6, seed, M=10, o_max=6) for seed in range(40)]
    assert not any(fn(_Run(i, "proved")).violated for i in insts)
    assert any(fn(_Run(i, "largest-area")).violated for i in insts)
