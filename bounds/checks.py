"""The empirical checks of the lemmas that speak about an algorithm's behaviour.

Each check takes one :class:`bounds.run.Run` (a run that passed ``kvsched.check``) and
computes both sides of its lemma, returning the worst *slack* ``(rhs - lhs) / rhs``
(negative: violated) as an :class:`Outcome`. A point where both sides are trivial
(``N_S = 0``, or the algorithm has finished every job) can have slack 0 without saying
anything; ``Outcome.nontrivial_slack`` is the worst slack over the other points, and only
a non-trivial slack 0 is reported as *tight*.

Notation (docs/analysis.md): ``tau_k`` the implementation's budgets (all ``k``, including
rounds skipped because nothing was eligible), ``T_k = sum_{j<=k} tau_j``, ``E_k`` the end
of the last round with index ``<= k``, ``N_X(t) = #{i : C_i <= t}``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from kvsched.results import atomic_write_json, provenance

from .run import Run, run_case
from .suite import budget_rule


@dataclass
class Outcome:
    """One lemma on one run: worst slack, whether violated, and how it was decided."""

    slack: float
    violated: bool = False
    basis: str = ""                 # e.g. "area-count upper bound", "exact OPT", "proxy"
    detail: str = ""
    reference: object = None        # reference schedule (dict) when a violation needs one
    inconclusive: bool = False
    nontrivial_slack: float | None = "same"     # "same": every point is non-trivial

    def __post_init__(self):
        if self.nontrivial_slack == "same":
            self.nontrivial_slack = self.slack


def _area_count_upper(inst, t: np.ndarray) -> np.ndarray:
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
    for r in run.references():
        cnt = np.searchsorted(np.sort(r.report.completion), taus, side="right")
        if (cnt > best).any():
            ref, name = r.schedule.to_dict(), r.algorithm
        best = np.maximum(best, cnt)
    return best, ref, name


def _nontrivial(slack: np.ndarray, have: np.ndarray, need: np.ndarray, n: int) -> float | None:
    """Worst slack over the points where the claim says something: ``need > 0`` and the
    algorithm has not finished everything (``have < n``)."""
    mask = (need > 0) & (have < n)
    return float(slack[mask].min()) if mask.any() else None


def _count_against(run: Run, times: np.ndarray, taus: np.ndarray, label: str) -> Outcome:
    """``N_ALG(times[k]) >= N_S(taus[k])`` for every ``k`` and every schedule ``S``.

    Decided first against the area-count upper bound (valid for every ``S``: if it holds,
    the claim holds on this run). Where that bound is not met: against a proven optimum if
    one is available (a violation refutes the claim in the form the framework needs);
    otherwise against the checked schedules of the reference algorithms (a violation
    refutes the 'every schedule S' form; the OPT form stays undecided); if neither beats
    the algorithm the run is inconclusive."""
    have = run.n_done_by(times)
    n = run.instance.n
    ub = _area_count_upper(run.instance, taus)
    slack_ub = (have - ub) / np.maximum(ub, 1)
    if (have >= ub).all():
        return Outcome(float(slack_ub.min()), basis="area-count upper bound",
                       nontrivial_slack=_nontrivial(slack_ub, have, ub, n))
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
                           nontrivial_slack=_nontrivial(slack_ub, have, ub, n),
                           detail=f"k={k}: N_ALG({label}={times[k]})={have[k]} < area-count "
                                  f"bound {ub[k]}; no proven optimum (n={run.instance.n})")
    slack = (have - need) / np.maximum(need, 1)
    k = int(np.argmin(slack))
    return Outcome(float(slack.min()), violated=bool((have < need).any()), basis=basis,
                   nontrivial_slack=_nontrivial(slack, have, need, n),
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
    """Token form of the exposure factor 2: wasted tokens <= useful tokens (sum o)."""
    useful = run.instance.total_tokens
    wasted = run.result.report.wasted_tokens
    return Outcome((useful - wasted) / useful, violated=wasted > useful, basis="proxy: tokens",
                   detail=f"wasted {wasted} vs useful {useful}")


def check_interval_budgets(run: Run, delta: int, bound: float) -> Outcome:
    """The implementation's integer budgets still give the interval factor:
    ``sum_{k<=m+delta} tau_k / (tau_{m-1}+1) <= alpha^(2+delta)/(alpha-1)`` for all ``m``
    up to the run's last round (``tau_{-1} = 0``). The ledger also decides it exactly on
    the whole box ``tau_m <= 2^40`` (:func:`bounds.evidence.budget_box`)."""
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
    """The theorem itself: ``ALG/OPT <= R(alpha*)``. A violation needs a *certified* ratio
    (``ALG/OPT`` with OPT proven, or ``ALG/UB`` with UB a checked schedule, a lower bound
    on ALG/OPT); ``ALG/LB`` is an estimate and can only say "not violated here"."""
    alg = run.result.objective
    lb, name = run.lower_bound()
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


def certified_ratio(run: Run) -> tuple[float, str]:
    """``ALG / REF`` with REF the cheapest checked reference schedule or a proven optimum
    (a certified lower bound on ALG/OPT), and its label."""
    opt = run.opt()
    if opt is not None:
        return run.result.objective / opt[1].objective, "certified ALG/OPT"
    ub = run.best_reference()
    return run.result.objective / ub.objective, f"certified ALG/UB ({ub.algorithm})"


# --- a lemma's check over many runs ------------------------------------------------------
@dataclass
class CheckSummary:
    """A lemma's check over many runs. Everything it reports is independent of the order
    in which the runs are added (ties are broken by instance name)."""

    lemma: str
    instances: int = 0
    violations: int = 0
    inconclusive: int = 0
    worst_slack: float | None = None
    worst_instance: str = ""
    worst_detail: str = ""
    worst_basis: str = ""
    worst_nontrivial_slack: float | None = None
    bases: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    witnesses: list = field(default_factory=list)     # violating runs
    refuted_files: list = field(default_factory=list)
    note: str = ""

    def add(self, run: Run, out: Outcome, source: str = "suite", file: str | None = None) -> None:
        self.instances += 1
        self.bases[out.basis] = self.bases.get(out.basis, 0) + 1
        self.sources[source] = self.sources.get(source, 0) + 1
        self.inconclusive += int(out.inconclusive)
        self.violations += int(out.violated)
        name = run.instance.name or run.family
        if self.worst_slack is None or (out.slack, name) < (self.worst_slack, self.worst_instance):
            self.worst_slack = out.slack
            self.worst_instance = name
            self.worst_detail = out.detail
            self.worst_basis = out.basis
        if out.nontrivial_slack is not None and (self.worst_nontrivial_slack is None or
                                                 out.nontrivial_slack < self.worst_nontrivial_slack):
            self.worst_nontrivial_slack = out.nontrivial_slack
        if out.violated:
            self.witnesses.append({"instance": name, "source": source, "file": file,
                                   "slack": out.slack, "basis": out.basis,
                                   "detail": out.detail})
            self.witnesses.sort(key=lambda w: (w["slack"], w["instance"], w["file"] or ""))

    def record(self, run: Run, out: Outcome, out_dir: Path | None, seed: int,
               max_saved: int, save_as: str | None = None, source: str = "suite",
               file: str | None = None) -> None:
        """:meth:`add`, and save the run if it violates the lemma (at most ``max_saved``
        files under ``out_dir``; ``None``: do not save)."""
        if out.violated and file is None and out_dir is not None \
                and len(self.refuted_files) < max_saved:
            file = str(save_violation(Path(out_dir), save_as or self.lemma, run, out, seed))
            self.refuted_files.append(file)
        self.add(run, out, source, file)

    @property
    def tight(self) -> bool:
        """A non-trivial point with slack exactly 0 was seen (both sides non-trivial)."""
        return self.worst_nontrivial_slack is not None and abs(self.worst_nontrivial_slack) < 1e-12

    def slack_text(self) -> str:
        if self.worst_slack is None:
            return "-"
        txt = f"worst slack {self.worst_slack:.3g}"
        if self.violations:
            return txt
        if self.tight:
            return txt + " (tight)"
        if self.worst_slack == 0:
            nt = self.worst_nontrivial_slack
            return txt + (" at trivial points only (0 = 0 or all done)" +
                          (f"; worst non-trivial {nt:.3g}" if nt is not None else ""))
        return txt

    def sources_text(self) -> str:
        return ", ".join(f"{v} {k}" for k, v in sorted(self.sources.items()))

    def status_text(self) -> str:
        if self.instances == 0:
            return f"not checked ({self.note or 'no instances'})"
        if self.violations:
            w = self.witnesses[0]
            return (f"violated on {self.violations}/{self.instances} instances "
                    f"({self.slack_text()}: {w['instance']}"
                    + (f", {w['file']}" if w["file"] else "") + ")")
        txt = f"held on {self.instances} instances ({self.sources_text()}; {self.slack_text()})"
        if self.inconclusive:
            txt += f", {self.inconclusive} inconclusive"
        return txt

    def to_dict(self) -> dict:
        return {"lemma": self.lemma, "instances": self.instances,
                "violations": self.violations, "inconclusive": self.inconclusive,
                "worst_slack": self.worst_slack, "worst_instance": self.worst_instance,
                "worst_detail": self.worst_detail, "worst_basis": self.worst_basis,
                "worst_nontrivial_slack": self.worst_nontrivial_slack, "tight": self.tight,
                "bases": dict(sorted(self.bases.items())),
                "sources": dict(sorted(self.sources.items())),
                "witnesses": self.witnesses[:5], "refuted_files": self.refuted_files,
                "note": self.note, "status_text": self.status_text()}


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


def check_over_suite(lemma: str, algorithm: str, alpha: float, dilation: float | None,
                     fn: Callable[[Run], Outcome], suite: list,
                     out_dir: str | Path | None = None, seed: int = 0,
                     max_saved: int = 3) -> CheckSummary:
    """Run ``algorithm`` on every instance of ``suite`` and check one lemma ``fn``; save
    up to ``max_saved`` violating instances under ``out_dir`` (``None``: do not save)."""
    summary = CheckSummary(lemma)
    for fam, inst in suite:
        run = run_case(fam, inst, algorithm, alpha, dilation)
        summary.record(run, fn(run), out_dir, seed, max_saved)
    return summary


def check_round_length(run: Run, c: float) -> Outcome:
    """Every round lasts at most ``c tau_k``: ``L_k = end_k - start_k <= c tau_k``."""
    worst, detail = 1.0, ""
    for r in run.result.rounds:
        sl = (c * r.budget - (r.end - r.start)) / (c * r.budget)
        if sl < worst:
            worst, detail = sl, (f"round {r.k}: L_k={r.end - r.start} vs {c:g} tau_k="
                                 f"{c * r.budget:g} ({(r.end - r.start) / r.budget:.4g} tau_k)")
    return Outcome(worst, violated=worst < -1e-12, basis="round instrumentation",
                   detail=detail)
