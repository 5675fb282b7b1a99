"""Empirical checks of the lemmas that speak about an algorithm's behaviour.

Each check runs the implemented algorithm (through ``run_algorithm``, so every schedule
passed ``kvsched.check``) on many seeded instances, computes both sides of the lemma from
the round instrumentation (``RunResult.rounds``), the checked schedule and, where needed,
an exact optimum (``lp.exact.solve``, used only when proven optimal), and reports the
worst *slack* (``(rhs - lhs) / rhs``; negative means violated). A violation of a
non-asymptotic lemma refutes it: the instance, both schedules and the provenance are saved
with ``atomic_write_json`` under the caller's folder.

Notation (docs/analysis.md): ``tau_k`` the implementation's budgets (all ``k``, including
rounds skipped because nothing was eligible), ``T_k = sum_{j<=k} tau_j``, ``E_k`` the end
of the last round with index ``<= k``, ``N_X(t) = #{i : C_i <= t}``.

The algorithm is run *as derived*: ``alpha = alpha*`` of the derivation and round length
bound ``dilation = rho(alpha*)`` (``c`` for GBA, ``2c`` for GSA), so the length lemma is the
one the derivation uses and the counting lemma says whether that length suffices.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from kvsched.algorithms import get_algorithm, run_algorithm
from kvsched.algorithms.pipeline import geometric_budgets
from kvsched.checker import check
from kvsched.defaults import hand_made, random_instance
from kvsched.instance import Instance
from kvsched.loaders import load_azure_trace
from kvsched.lower_bounds import best_lower_bound
from kvsched.results import atomic_write_json, provenance
from lp.exact import solve

# the Azure conversation trace, laid next to the repository (as CI does: ../shared/traces)
TRACE = (Path(__file__).resolve().parent.parent.parent / "shared" / "traces"
         / "AzureLLMInferenceTrace_conv.csv")
EXACT_MAX_N = 7                  # exact optimum only for small instances
LARGE_REGIME_MAX_RATIO = 0.1     # instances used for the large-memory (asymptotic) lemmas


# --- instances ----------------------------------------------------------------------------
def half_memory(n: int, M: int = 20) -> Instance:
    """``n`` jobs with ``s = M/2``, ``o = 1``: no two can overlap, yet their area is only
    about ``M/2``: a round with area budget ``M tau`` needs ``~2 tau`` steps."""
    return Instance(s=[M // 2] * n, o=[1] * n, M=M, name=f"half-memory-n{n}-M{M}")


def many_tiny(n: int, M: int = 20) -> Instance:
    """``n`` jobs with ``s = 0``, ``o = 1``: OPT runs ``M`` of them per step."""
    return Instance(s=[0] * n, o=[1] * n, M=M, name=f"many-tiny-n{n}-M{M}")


def geometric_classes(alpha: float, M: int, K: int) -> Instance:
    """For each budget ``tau_k`` (k < K) of GBA(alpha): ``2M/(tau_k+1)`` jobs with ``s = 0``,
    ``o = tau_k`` (class area ~ ``M tau_k``): every round is full and its jobs are as long
    as its budget, the hardest case for a round length bound ``c(alpha) tau_k``."""
    o: list[int] = []
    for t in budget_rule(alpha, K):
        o += [t] * int(2 * M // (t + 1))
    return Instance(s=[0] * len(o), o=o, M=M, name=f"classes-a{alpha:g}-M{M}-K{K}")


def large_memory_instance(n: int, seed: int, M: int = 400) -> Instance:
    rng = np.random.default_rng(seed)
    o = rng.integers(1, 17, size=n)
    s = rng.integers(0, 9, size=n)
    return Instance(s=s, o=o, M=M, name=f"large-n{n}-M{M}-seed{seed}")


def trace_instance(n: int, seed: int, M: int) -> Instance | None:
    if not TRACE.exists():
        return None
    inst = load_azure_trace(TRACE, M, sample=n, seed=seed, drop_oversized=True)
    return Instance(s=inst.s, o=inst.o, M=M, name=f"trace-n{inst.n}-M{M}-seed{seed}")


def instance_suite(count: int, seed: int) -> list[tuple[str, Instance]]:
    """``count`` instances, round-robin over the families: hand-made shapes (kvsched.
    defaults), seeded random small (exact optimum possible), seeded random large-memory
    (``max(s+o)/M <= 0.06``), half-memory, many tiny jobs (``s = 0, o = 1``), Azure trace
    samples (general ``M = 8192`` and large-memory ``M = 2^17``), full geometric classes
    (large-memory, one class per budget)."""
    hand = hand_made()
    makers: list[Callable[[int], tuple[str, Instance | None]]] = [
        lambda r: ("hand-made", hand[r % len(hand)]),
        lambda r: ("random-small", random_instance(4 + r % 4, seed * 7919 + r,
                                                   M=[10, 20, 40][r % 3],
                                                   o_max=min([4, 8, 12][(r // 3) % 3],
                                                             [10, 20, 40][r % 3]))),
        lambda r: ("large-memory", large_memory_instance(20 + 10 * (r % 4), seed * 7919 + r)),
        lambda r: ("half-memory", half_memory(4 + 3 * (r % 4))),
        lambda r: ("many-tiny", many_tiny(120 * (1 + r % 3))),
        lambda r: ("random-small", random_instance(5 + r % 3, seed * 7919 + 1000 + r,
                                                   M=20, o_max=8)),
        lambda r: ("trace", trace_instance(12 + 6 * (r % 3), seed * 7919 + r, 8192)),
        lambda r: ("trace-large", trace_instance(40, seed * 7919 + r, 1 << 17)),
        lambda r: ("geometric-classes", geometric_classes([3.0, 2.0, 4.0][r % 3], 600, 4)),
    ]
    out: list[tuple[str, Instance]] = []
    r = 0
    while len(out) < count:
        fam, inst = makers[r % len(makers)](r // len(makers))
        if inst is not None:
            out.append((fam, inst))
        r += 1
    return out


# --- one run and what every check needs --------------------------------------------------
@dataclass
class Run:
    """One checked run of ``algorithm`` on ``instance`` with the derived parameters."""

    family: str
    instance: Instance
    algorithm: str
    alpha: float
    dilation: float | None              # None: the implementation has no such parameter
    result: object                      # kvsched.algorithms.RunResult
    taus: np.ndarray = field(repr=False)        # tau_0 .. tau_K (all k)
    ends: np.ndarray = field(repr=False)        # E_0 .. E_K
    completion: np.ndarray = field(repr=False)  # C_i (checked)
    _opt: object = None
    _opt_done: bool = False
    _references: list | None = None

    def references(self) -> list:
        """The checked runs of :data:`REFERENCE_ALGORITHMS` on this instance, computed
        once (the count checks, the optimum certificate and the ratio check all use them)."""
        if self._references is None:
            self._references = [run_algorithm(name, self.instance)
                                for name in REFERENCE_ALGORITHMS]
        return self._references

    def best_reference(self):
        """The cheapest checked reference schedule (its cost is an upper bound on OPT)."""
        return min(self.references(), key=lambda r: r.objective)

    @property
    def K(self) -> int:
        return len(self.taus) - 1

    def n_done_by(self, t) -> np.ndarray:
        """``N_ALG(t)`` for an array of times."""
        return np.searchsorted(np.sort(self.completion), np.asarray(t), side="right")

    def opt(self):
        """A proven optimal schedule: ``(completion times, result)`` or ``None``.

        First the cheap certificate: a checked schedule of a registered clairvoyant
        reference algorithm whose cost meets the combinatorial lower bound is optimal.
        Else ``lp.exact.solve`` on small instances, used only when proven optimal."""
        if not self._opt_done:
            self._opt_done = True
            best = self.best_reference()
            if best.objective == best_lower_bound(self.instance)[0]:
                self._opt = (np.asarray(best.report.completion),
                             _Certified(best.objective, best.schedule, best.algorithm))
            elif self.instance.n <= EXACT_MAX_N:
                res = solve(self.instance, time_limit=20)
                if res.proven_optimal and res.schedule is not None:
                    rep = check(res.schedule, self.instance)
                    self._opt = (rep.completion, res)
        return self._opt


REFERENCE_ALGORITHMS = ("fcfs", "mcsf", "sorted_f", "sequential_spt")


@dataclass
class _Certified:
    """A checked schedule proven optimal because its cost equals a lower bound."""

    objective: int
    schedule: object
    algorithm: str


def best_feasible(inst: Instance):
    """The cheapest checked schedule among the reference algorithms (its cost is an upper
    bound on OPT); :meth:`Run.best_reference` is the same, computed once per run."""
    return min((run_algorithm(name, inst) for name in REFERENCE_ALGORITHMS),
               key=lambda r: r.objective)


def budget_rule(alpha: float, count: int) -> list[int]:
    """``tau_0 .. tau_{count-1}`` of GBA/GSA: the implementation's rule
    (``kvsched.algorithms.pipeline.geometric_budgets``); every run checks its recorded
    budgets against it."""
    return geometric_budgets(alpha, count)


def _budgets(alpha: float, count: int, recorded: dict[int, int]) -> np.ndarray:
    taus = budget_rule(alpha, count)
    for k, b in recorded.items():
        if taus[k] != b:
            raise AssertionError(f"round {k}: recorded budget {b} != budget rule {taus[k]}")
    return np.asarray(taus, dtype=np.int64)


def accepts(algorithm: str, param: str) -> bool:
    """Whether the registered scheduler takes the keyword ``param``."""
    return get_algorithm(algorithm).accepts(param)


def run_case(family: str, inst: Instance, algorithm: str, alpha: float,
             dilation: float | None) -> Run:
    """Run ``algorithm`` with ``alpha`` and, if it has a round length bound parameter,
    ``dilation`` (``Run.dilation`` is ``None`` when the implementation has none: its rounds
    are then whatever it makes them, and the length lemma tests that)."""
    params = {"alpha": alpha}
    if dilation is not None and accepts(algorithm, "dilation"):
        params["dilation"] = dilation
    else:
        dilation = None
    res = run_algorithm(algorithm, inst, **params)
    recorded = {r.k: r.budget for r in res.rounds}
    K = max(recorded) if recorded else 0
    taus = _budgets(alpha, K + 1, recorded)
    ends = np.zeros(K + 1, dtype=np.int64)
    for r in res.rounds:
        ends[r.k] = max(ends[r.k], r.end)
    ends = np.maximum.accumulate(ends)
    return Run(family, inst, algorithm, alpha, dilation, res, taus, ends,
               np.asarray(res.report.completion))


# --- the checks ---------------------------------------------------------------------------
@dataclass
class Outcome:
    """One lemma on one run: worst slack, whether violated, and how it was decided."""

    slack: float
    violated: bool = False
    basis: str = ""                 # e.g. "area-count upper bound", "exact OPT", "proxy"
    detail: str = ""
    reference: object = None        # reference schedule (dict) when a violation needs one
    inconclusive: bool = False


def _area_count_upper(inst: Instance, t: np.ndarray) -> np.ndarray:
    """Upper bound on ``N_S(t)`` for every schedule ``S``: jobs done by ``t`` have
    ``o <= t`` and total area ``<= M t``, so at most the longest smallest-area prefix of
    ``{o <= t}`` within area ``M t``."""
    out = np.zeros(len(t), dtype=np.int64)
    for idx, tt in enumerate(np.asarray(t).tolist()):
        a = np.sort(inst.area[inst.o <= tt])
        out[idx] = int(np.searchsorted(np.cumsum(a), inst.M * tt, side="right"))
    return out


def _reference_counts(run: Run, taus: np.ndarray) -> tuple[np.ndarray, dict | None, str]:
    """``max_S N_S(tau)`` over the checked schedules of the reference algorithms."""
    best = np.zeros(len(taus), dtype=np.int64)
    ref, name = None, ""
    for alg, r in zip(REFERENCE_ALGORITHMS, run.references()):
        cnt = np.searchsorted(np.sort(r.report.completion), taus, side="right")
        if (cnt > best).any():
            ref, name = r.schedule.to_dict(), alg
        best = np.maximum(best, cnt)
    return best, ref, name


def _count_against(run: Run, times: np.ndarray, taus: np.ndarray, label: str) -> Outcome:
    """``N_ALG(times[k]) >= N_S(taus[k])`` for every ``k`` and every schedule ``S``.

    Decided first against the area-count upper bound (valid for every ``S``: if it holds,
    the claim holds on this run). Where that bound is not met: against a proven optimum if
    one is available (a violation refutes the claim in the form the framework needs);
    otherwise against the checked schedules of the reference algorithms (a violation
    refutes the 'every schedule S' form; the OPT form stays undecided); if neither beats
    the algorithm the run is inconclusive."""
    have = run.n_done_by(times)
    ub = _area_count_upper(run.instance, taus)
    slack_ub = (have - ub) / np.maximum(ub, 1)
    if (have >= ub).all():
        return Outcome(float(slack_ub.min()), basis="area-count upper bound")
    opt = run.opt()
    if opt is not None:
        C_opt, res = opt
        need = np.searchsorted(np.sort(C_opt), taus, side="right")
        basis, ref = "exact OPT", res.schedule.to_dict()
    else:
        need, ref, name = _reference_counts(run, taus)
        basis = f"checked {name} schedule ('every S' form)"
        if not (have < need).any():
            k = int(np.argmin(slack_ub))
            return Outcome(float(slack_ub.min()), basis="area-count upper bound",
                           inconclusive=True,
                           detail=f"k={k}: N_ALG({label}={times[k]})={have[k]} < area-count "
                                  f"bound {ub[k]}; no proven optimum (n={run.instance.n})")
    slack = (have - need) / np.maximum(need, 1)
    k = int(np.argmin(slack))
    return Outcome(float(slack.min()), violated=bool((have < need).any()), basis=basis,
                   detail=f"k={k}: N_ALG({label}={times[k]})={have[k]} vs N_S(tau={taus[k]})"
                          f"={need[k]}", reference=ref)


def _shifted(taus: np.ndarray, delta: int) -> np.ndarray:
    """``tau_{k-delta}`` for ``k = 0 .. len-1`` (``tau_{j} = 0`` for ``j < 0``)."""
    return np.concatenate([np.zeros(delta, dtype=np.int64), taus])[: len(taus)]


def check_count(run: Run, delta: int) -> Outcome:
    """``N_ALG(E_k) >= N_S(tau_{k-delta})`` for every schedule ``S`` (in particular an
    optimal one), all ``k <= K`` (see :func:`_count_against` for how it is decided)."""
    return _count_against(run, run.ends, _shifted(run.taus, delta), "E_k")


def check_on_time(run: Run, rho: float, delta: int) -> Outcome:
    """The framework's hypothesis itself: ``N_ALG(rho T_k) >= N_S(tau_{k-delta})`` for all
    ``k`` until ``rho T_k`` passes the algorithm's makespan (count and length together
    imply it, but it can hold when the length lemma does not)."""
    makespan = int(run.completion.max())
    count = len(run.taus)
    taus = np.asarray(budget_rule(run.alpha, count), dtype=np.int64)
    while rho * taus.sum() < makespan:
        count *= 2
        taus = np.asarray(budget_rule(run.alpha, count), dtype=np.int64)
    T = np.cumsum(taus)
    K = int(np.searchsorted(rho * T, makespan, side="left"))
    times = np.floor(rho * T[: K + 1] + 1e-9).astype(np.int64)
    return _count_against(run, times, _shifted(taus[: K + 1], delta), "rho*T_k")


def check_length(run: Run, rho: float) -> Outcome:
    """``E_k <= rho * T_k`` for all ``k``."""
    T = np.cumsum(run.taus)
    slack = (rho * T - run.ends) / (rho * T)
    k = int(np.argmin(slack))
    return Outcome(float(slack.min()), violated=bool((run.ends > rho * T + 1e-9).any()),
                   basis="round instrumentation",
                   detail=f"k={k}: E_k={run.ends[k]} vs rho*T_k={rho * T[k]:.4g}")


def check_waste(run: Run) -> Outcome:
    """Per job: tokens of killed attempts ``w_i < alpha/(alpha-1) * o_i + #{k: tau_k < o_i}``
    (the second term is the rounding of the integer budgets, each ``< alpha^k + 1``)."""
    sch, inst = run.result.schedule, run.instance
    killed = sch.steps < inst.o[sch.job]
    w = np.bincount(sch.job[killed], weights=sch.steps[killed], minlength=inst.n)
    below = np.searchsorted(run.taus, inst.o, side="left")     # #{k <= K: tau_k < o_i}
    rhs = run.alpha / (run.alpha - 1) * inst.o + below
    slack = (rhs - w) / rhs
    i = int(np.argmin(slack))
    return Outcome(float(slack.min()), violated=bool((w >= rhs - 1e-9).any()),
                   basis="checked schedule",
                   detail=f"job {i}: w={w[i]:.0f}, o={inst.o[i]}, rounding term {below[i]}")


def check_slice(run: Run) -> Outcome:
    """Every attempt started in round ``k`` (start in ``[start_k, end_k)``) runs
    ``<= tau_k`` steps."""
    sch = run.result.schedule
    worst, detail = 1.0, ""
    for r in run.result.rounds:
        inside = (sch.start >= r.start) & (sch.start < max(r.end, r.start + 1))
        if inside.any():
            d = int(sch.steps[inside].max())
            sl = (r.budget - d) / r.budget
            if sl < worst:
                worst, detail = sl, f"round {r.k}: attempt of {d} steps vs tau_k={r.budget}"
    return Outcome(worst, violated=worst < 0, basis="checked schedule + rounds", detail=detail)


def check_rounds(run: Run) -> Outcome:
    """``K_GSA <= min{k : tau_k >= max o} + 1`` (round indices, from the instrumentation)."""
    K = max(r.k for r in run.result.rounds)
    taus = budget_rule(run.alpha, K + 2)
    omax = int(run.instance.o.max())
    cover = next((k for k, t in enumerate(taus) if t >= omax), len(taus))
    bound = cover + 1
    return Outcome((bound - K) / max(bound, 1), violated=K > bound, basis="round instrumentation",
                   detail=f"last round {K} vs bound {bound} (max o = {omax})")


def check_exposure(run: Run) -> Outcome:
    """Proxy for the exposure factor 2: wasted tokens <= useful tokens (sum o)."""
    useful = run.instance.total_tokens
    wasted = run.result.report.wasted_tokens
    return Outcome((useful - wasted) / useful, violated=wasted > useful, basis="proxy: tokens",
                   detail=f"wasted {wasted} vs useful {useful}")


def check_interval_budgets(run: Run, delta: int, bound: float) -> Outcome:
    """The implementation's integer budgets still give the interval factor:
    ``sum_{k<=m+delta} tau_k / (tau_{m-1}+1) <= alpha^(2+delta)/(alpha-1)`` for all ``m``
    (a job with ``C* in (tau_{m-1}, tau_m]`` has ``C* >= tau_{m-1} + 1``; ``tau_{-1} = 0``)."""
    M = run.K + 2 + delta
    taus = np.asarray(budget_rule(run.alpha, M + delta + 1), dtype=np.float64)
    cs = np.cumsum(taus)
    prev = np.concatenate([[0.0], taus])[:M + 1]          # tau_{m-1}
    fac = cs[np.arange(M + 1) + delta] / (prev + 1)
    slack = (bound - fac) / bound
    m = int(np.argmin(slack))
    return Outcome(float(slack.min()), violated=bool((fac > bound + 1e-12).any()),
                   basis="budget rule", detail=f"m={m}: factor {fac[m]:.4g} vs {bound:.4g}")


def check_ratio(run: Run, bound: float) -> Outcome:
    """The theorem itself: ``ALG/OPT <= R(alpha*)``; ``ALG/LB`` (estimate, an upper
    estimate of ALG/OPT) suffices when it is below; else the exact optimum decides."""
    alg = run.result.objective
    lb, name = best_lower_bound(run.instance)
    if alg <= bound * lb:
        return Outcome((bound - alg / lb) / bound, basis=f"estimate ALG/LB ({name})",
                       detail=f"ALG/LB={alg / lb:.4g} (estimate)")
    opt = run.opt()
    if opt is None:
        ub = run.best_reference()
        if alg > bound * ub.objective:
            r = alg / ub.objective
            return Outcome((bound - r) / bound, violated=True,
                           basis=f"certified ALG/UB (UB = checked {ub.algorithm} schedule)",
                           detail=f"ALG/UB={r:.4g} <= ALG/OPT (certified)", reference=ub.schedule.to_dict())
        return Outcome((bound - alg / lb) / bound, basis=f"estimate ALG/LB ({name})",
                       inconclusive=True, detail=f"ALG/LB={alg / lb:.4g} > {bound:.4g} (estimate)")
    C_opt, res = opt
    r = alg / res.objective
    return Outcome((bound - r) / bound, violated=r > bound, basis="certified ALG/OPT",
                   detail=f"ALG/OPT={r:.4g} (certified)", reference=res.schedule.to_dict())


# --- running a lemma's check over the suite -----------------------------------------------
@dataclass
class CheckSummary:
    lemma: str
    instances: int = 0
    violations: int = 0
    inconclusive: int = 0
    worst_slack: float | None = None
    worst_instance: str = ""
    worst_detail: str = ""
    worst_basis: str = ""
    bases: dict = field(default_factory=dict)
    refuted_files: list = field(default_factory=list)
    note: str = ""

    def add(self, run: Run, out: Outcome) -> None:
        self.instances += 1
        self.bases[out.basis] = self.bases.get(out.basis, 0) + 1
        self.inconclusive += int(out.inconclusive)
        self.violations += int(out.violated)
        if self.worst_slack is None or out.slack < self.worst_slack:
            self.worst_slack = out.slack
            self.worst_instance = run.instance.name or run.family
            self.worst_detail = out.detail
            self.worst_basis = out.basis

    def record(self, run: Run, out: Outcome, out_dir: Path | None, seed: int,
               max_saved: int, save_as: str | None = None) -> None:
        """:meth:`add`, and save the run if it violates the lemma (at most ``max_saved``
        files under ``out_dir``, named after ``save_as`` or the lemma; ``None``: do not
        save)."""
        self.add(run, out)
        if out.violated and out_dir is not None and len(self.refuted_files) < max_saved:
            path = save_violation(Path(out_dir), save_as or self.lemma, run, out, seed)
            self.refuted_files.append(str(path))

    def status_text(self) -> str:
        if self.instances == 0:
            return f"not checked ({self.note or 'no instances'})"
        if self.violations:
            return (f"violated on {self.violations}/{self.instances} instances "
                    f"(worst slack {self.worst_slack:.3g}; {', '.join(self.refuted_files[:2])})")
        txt = f"checked empirically on {self.instances} instances (worst slack {self.worst_slack:.3g})"
        if self.inconclusive:
            txt += f", {self.inconclusive} inconclusive"
        return txt

    def to_dict(self) -> dict:
        return {"lemma": self.lemma, "instances": self.instances,
                "violations": self.violations, "inconclusive": self.inconclusive,
                "worst_slack": self.worst_slack, "worst_instance": self.worst_instance,
                "worst_detail": self.worst_detail,
                "worst_basis": self.worst_basis, "bases": self.bases,
                "refuted_files": self.refuted_files, "note": self.note,
                "status_text": self.status_text()}


def save_violation(out_dir: Path, lemma: str, run: Run, out: Outcome, seed: int) -> Path:
    """Everything needed to reproduce a violation from the file alone."""
    name = (f"{lemma}-{run.algorithm}-a{run.alpha:.4g}-"
            f"{(run.instance.name or run.family)}.json").replace("/", "_")
    rec = {"lemma": lemma, "algorithm": run.algorithm,
           "params": {"alpha": run.alpha, "dilation": run.dilation},
           "family": run.family, "instance": run.instance.to_dict(),
           "schedule": run.result.schedule.to_dict(), "objective": run.result.objective,
           "reference_schedule": out.reference, "slack": out.slack, "basis": out.basis,
           "detail": out.detail,
           "provenance": provenance(seed, {"algorithm": run.algorithm, "alpha": run.alpha,
                                           "dilation": run.dilation, "lemma": lemma})}
    return atomic_write_json(Path(out_dir) / name, rec)


def check_over_suite(lemma: str, algorithm: str, alpha: float, dilation: float,
                     fn: Callable[[Run], Outcome], suite: list[tuple[str, Instance]],
                     out_dir: str | Path | None = None, seed: int = 0,
                     max_saved: int = 3) -> CheckSummary:
    """Run ``algorithm`` on every instance of ``suite`` and check one lemma ``fn``; save
    up to ``max_saved`` violating instances under ``out_dir`` (``None``: do not save)."""
    summary = CheckSummary(lemma)
    for fam, inst in suite:
        run = run_case(fam, inst, algorithm, alpha, dilation)
        summary.record(run, fn(run), out_dir, seed, max_saved)
    return summary


def replay_violation(path: str | Path) -> Run:
    """Re-run the saved algorithm with the saved parameters on the saved instance (the
    file alone suffices); the caller re-applies the lemma's check."""
    import json
    rec = json.loads(Path(path).read_text())
    inst = Instance.from_dict(rec["instance"])
    p = rec["params"]
    return run_case(rec["family"], inst, rec["algorithm"], p["alpha"], p["dilation"])

