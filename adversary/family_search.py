"""Black-box search over the parameters of a :class:`~adversary.param_family.ParamFamily`.

:func:`optimise` tunes the family's parameters with CMA-ES (the ``cma`` package, seeded;
each coordinate lives in ``[0, 1]`` and :meth:`ParamFamily.decode` maps it to its range)
to maximise an objective of :mod:`adversary.objectives`: the certified ratio ``ALG/REF``
(proven OPT up to ``EXACT_MAX_N`` jobs, else the best checked construction of
:mod:`adversary.reference`, so ``ALG/REF <= ALG/OPT``) or a lemma's violation. CMA-ES
starts from the best point of an initial design (the middle of every range and the
family's named presets, :data:`adversary.param_family.PRESETS`: shapes, not results) and
restarts (seed + restart index; the population doubles every second restart, IPOP) when
``es.stop()`` or when ``stall`` generations did not improve the restart's own best: from
the other design points in decreasing order of their score, then from seeded uniform
random points. After CMA-ES, ``polish``
instance-level moves (:func:`adversary.moves.mutate`) climb from the best.

Every new best is saved at once (atomically) under ``out/<run name>/`` in the record
format of :mod:`adversary.records` (``kvsched-adversary-result``, or
``kvsched-adversary-lemma`` for a lemma objective) with the family, its parameters and
seed, so ``kvsched search --replay`` rebuilds the instance from the parameters. The state
(CMA-ES pickled, numpy's global random state that ``cma`` samples from, our generator)
is checkpointed after every generation; a run is a function of its configuration and
its evaluation budget, resumed or not.
"""
from __future__ import annotations

import base64
import json
import math
import pickle
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kvsched import Instance
from kvsched.algorithms import REGISTRY
from kvsched.errors import KvschedError
from kvsched.results import atomic_write_json, provenance

from .evaluate import used_alpha
from .execution import SerialExecutor
from .moves import mutate
from .objectives import lemma_check, score
from .param_family import PRESETS, ParamFamily, default_values
from .records import LEMMA_KIND, make_record
from .space import Space

CHECKPOINT = "checkpoint.json"


@dataclass(frozen=True)
class FamilyConfig:
    """Everything that determines a family search (the stopping rule aside)."""

    alg: str = "gsa"
    regime: str = "general"          # general | large (max(s+o)/M <= large_threshold)
    objective: str = "ratio"         # ratio | a lemma name (objectives.lemma_names)
    seed: int = 0
    alpha: float | None = None       # None: evaluate.used_alpha (regime's minimiser / default)
    n_max: int = 400                 # candidates with more jobs score 0 (not evaluated)
    M_hi: int | None = None          # None: 2048 general, 20000 large
    count_hi: int = 150
    large_threshold: float = 0.10
    popsize: int = 12
    sigma0: float = 0.3
    polish: int = 0                  # instance-level moves on the best, after CMA-ES
    family_alpha: float | None = None  # budgets the classes sit above (None: used alpha)
    reference: str = "lazy"          # lazy (proven OPT up to EXACT_MAX_N jobs) | construction
    stall: int = 20                  # restart CMA-ES after this many generations without
                                     # improving the current restart's best

    def __post_init__(self) -> None:
        if self.alg not in REGISTRY:
            raise KvschedError(f"unknown algorithm {self.alg!r}; registered: "
                               f"{', '.join(sorted(REGISTRY))}")
        if self.regime not in ("general", "large"):
            raise KvschedError(f"unknown regime {self.regime!r} (general or large)")
        if not 0 < self.large_threshold <= 1:
            raise KvschedError(f"large_threshold must be in (0, 1], got {self.large_threshold}")
        if self.reference not in ("lazy", "construction"):
            raise KvschedError(f"family search reference must be lazy or construction, "
                               f"got {self.reference!r}")
        if self.n_max < 1 or self.count_hi < 1 or self.popsize < 2:
            raise KvschedError("n_max and count_hi must be >= 1, popsize >= 2")

    def used_alpha(self) -> float | None:
        return used_alpha(self.alg, self.regime, self.alpha)

    def family(self) -> ParamFamily:
        large = self.regime == "large"
        return ParamFamily(alpha=self.family_alpha or self.used_alpha() or 2.0,
                           max_ratio=self.large_threshold if large else 1.0,
                           M_lo=max(8, math.ceil(10 / self.large_threshold)) if large else 8,
                           M_hi=self.M_hi or (20000 if large else 2048),
                           count_hi=self.count_hi)

    def run_name(self) -> str:
        return f"{self.alg}-{self.regime}-family-{self.objective}-seed{self.seed}"

    def eval_config(self) -> dict[str, Any]:
        return {"alg": self.alg, "regime": self.regime, "objective": self.objective,
                "alpha": self.used_alpha(), "reference": self.reference, "seed": self.seed,
                "time_limit": 10.0, "solver": "astar", "cross_check_n": 5}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _score_item(item: dict, config: dict) -> dict[str, Any]:
    """Worker entry point: score one instance dict (or skip an oversized candidate)."""
    if item.get("skip"):
        return {"value": 0.0, "skipped": True}
    return score(Instance.from_dict(item["instance"]), config)


def make_family_record(cfg: FamilyConfig, res: dict, inst: Instance, origin: dict,
                       evaluation: int) -> dict[str, Any]:
    """The saved form of a family search's improvement: a ``kvsched-adversary-result``
    (ratio objective) or ``kvsched-adversary-lemma`` record, plus the family, its
    parameters and seed (``family_exact``: the instance is the family's at those
    parameters; ``False`` after instance-level moves, listed in ``moves``)."""
    fam = cfg.family()
    params = {**cfg.to_dict(), "n": inst.n, "family_spec": fam.to_dict()}
    exact = bool(origin.get("exact"))
    label = f"{fam.name}{'' if exact else ' + moves'}"
    if cfg.objective == "ratio":
        rec = make_record(res["ev"], regime=cfg.regime, alpha=cfg.used_alpha(), seed=cfg.seed,
                          params=params, evaluation=evaluation, family=label)
    else:
        rec = {"kind": LEMMA_KIND, "lemma": res["lemma"], "algorithm": cfg.alg,
               "regime": cfg.regime, "params": dict(res["run_params"]),
               "family": label, "instance": inst.to_dict(), "n": inst.n,
               "large_memory_ratio": inst.large_memory_ratio,
               "schedule": {"attempts": res["alg_schedule"]},
               "objective": res["alg_objective"], "reference_schedule": res["reference"],
               "slack": res["slack"], "violation": res["value"], "violated": res["violated"],
               "inconclusive": res["inconclusive"], "basis": res["basis"],
               "detail": res["detail"], "evaluation": evaluation,
               "provenance": provenance(cfg.seed, params)}
    rec["family_spec"] = fam.to_dict()
    rec["family_params"] = origin.get("values")
    rec["family_seed"] = cfg.seed
    rec["family_exact"] = exact
    rec["moves"] = list(origin.get("moves", []))
    rec["cma_restart"] = origin.get("restart")
    rec["cma_start"] = origin.get("start")
    return rec


def _new_es(fam: ParamFamily, x0: np.ndarray, cfg: FamilyConfig, restart: int):
    import cma
    return cma.CMAEvolutionStrategy(
        x0, cfg.sigma0, {"seed": cfg.seed * 1000 + restart + 1, "bounds": [0, 1],
                         "popsize": cfg.popsize * 2 ** min(restart // 2, 3), "verbose": -9,
                         "tolfun": 1e-9, "tolflatfitness": 8})


def _initial_design(fam: ParamFamily) -> list[tuple[str, np.ndarray]]:
    """Generation 0: the middle of every range and each named preset; CMA-ES then starts
    from the best of them."""
    return ([("default (middle of every range)", fam.encode(default_values(fam)))]
            + [(f"preset {name}", fam.encode(fam.preset(name))) for name in PRESETS])


def _start_name(state: dict) -> str:
    r = state["restart"]
    src = state.get("restart_from") or "the best of the initial design"
    return f"CMA-ES restart {r} from {src}"


def optimise(cfg: FamilyConfig, out, *, evals: int | None = None, budget: float | None = None,
             executor: Any = None, resume: bool = True, on_generation=None,
             prune: bool = False) -> dict[str, Any]:
    """CMA-ES with restarts over the family's parameters, then ``cfg.polish``
    instance-level moves on the best (module doc). Stops at ``evals`` evaluations
    (deterministic) or ``budget`` seconds of this invocation. ``prune``: delete an
    improvement file once a later one supersedes it (after the new one is written; the
    list of improvements stays in the checkpoint). Returns the state: best,
    improvements, counters, run folder."""
    if evals is None and budget is None:
        raise KvschedError("give an evaluation budget (--evals) or a time budget (--budget)")
    if cfg.objective != "ratio":
        lemma_check(cfg.alg, cfg.regime, cfg.objective)        # fail early on a bad name
    fam = cfg.family()
    run_dir = Path(out) / cfg.run_name()
    run_dir.mkdir(parents=True, exist_ok=True)
    ck = run_dir / CHECKPOINT
    if resume and ck.exists():
        data = json.loads(ck.read_text())
        if data.get("config") != cfg.to_dict():
            raise KvschedError(f"{ck}: checkpoint was made with other parameters; use "
                               f"another --out or --fresh")
        state = data["state"]
        es = pickle.loads(base64.b64decode(state.pop("es")))
        np_state = pickle.loads(base64.b64decode(state.pop("np_random")))
        rng = np.random.default_rng()
        rng.bit_generator.state = state.pop("rng")
    else:
        rng = np.random.default_rng(cfg.seed)
        es, np_state = None, None            # CMA-ES starts after the initial design
        design = _initial_design(fam)
        state = {"evals": 0, "generation": 0, "restart": 0, "best": None,
                 "improvements": [], "polish_done": 0, "design": [], "restart_best": None,
                 "stall": 0, "restart_from": None,
                 "pending": {"X": [list(map(float, x)) for _, x in design], "scores": [],
                             "names": [name for name, _ in design]}}
    ex = executor or SerialExecutor()
    ecfg = cfg.eval_config()
    t0 = time.monotonic()
    evals_at_start = state["evals"]

    def done() -> bool:
        return ((evals is not None and state["evals"] >= evals)
                or (budget is not None and time.monotonic() - t0 >= budget))

    def consider(res: dict, inst: Instance, origin: dict) -> None:
        state["evals"] += 1
        x = res["value"]
        b = state["best"]
        if res.get("skipped") or not math.isfinite(x) or (b is not None and x <= b["value"] + 1e-12):
            return
        rec = make_family_record(cfg, res, inst, origin, state["evals"])
        name = f"improvement-e{state['evals']:07d}.json"
        atomic_write_json(run_dir / name, rec)
        atomic_write_json(run_dir / "best.json", rec)
        if prune and b is not None and b["file"] != name:
            (run_dir / b["file"]).unlink(missing_ok=True)
        state["best"] = {"value": x, "file": name, "instance": inst.to_dict(),
                         "origin": origin, "n": inst.n,
                         "label": rec.get("ratio_label", "lemma violation (-slack)"),
                         "estimate": rec.get("ratio_to_lower_bound")}
        state["improvements"].append({"evaluation": state["evals"], "value": x, "file": name,
                                      "n": inst.n})

    def checkpoint() -> None:
        st = dict(state, es=base64.b64encode(pickle.dumps(es)).decode(),
                  np_random=base64.b64encode(pickle.dumps(np_state)).decode(),
                  rng=rng.bit_generator.state)
        atomic_write_json(ck, {"kind": "kvsched-family-checkpoint", "config": cfg.to_dict(),
                               "state": st})
        if on_generation is not None:
            on_generation({"evals": state["evals"], "best": state["best"],
                           "elapsed": time.monotonic() - t0})

    cma_evals = evals - cfg.polish if evals is not None else None
    while not done() and (cma_evals is None or state["evals"] < cma_evals):
        if state.get("pending") is None and (es.stop() or state["stall"] >= cfg.stall):
            state["restart"] += 1
            start_value = None
            if state["restart"] < len(state["design"]):      # the next design point
                name, x0, *rest = state["design"][state["restart"]]
                x0, start_value = np.asarray(x0), (rest[0] if rest else None)
            else:
                name, x0 = "a uniform random point", rng.random(fam.dim)
            state["restart_from"], state["restart_best"], state["stall"] = name, start_value, 0
            saved = np.random.get_state()                   # cma seeds numpy's global state
            es = _new_es(fam, x0, cfg, state["restart"])
            np_state = np.random.get_state()
            np.random.set_state(saved)
        pending = state.get("pending")
        if pending is None:                  # a new generation
            saved = np.random.get_state()
            np.random.set_state(np_state)
            pending = {"X": [list(map(float, x)) for x in es.ask()], "scores": []}
            np_state = np.random.get_state()
            np.random.set_state(saved)
        X = [np.asarray(x) for x in pending["X"]]
        lo = len(pending["scores"])
        hi = len(X) if cma_evals is None else min(len(X), lo + cma_evals - state["evals"])
        items, insts, origins = [], [], []
        for i, x in enumerate(X[lo:hi], start=lo):
            values = fam.decode(x)
            inst = fam.build(values, cfg.seed)
            insts.append(inst)
            names = pending.get("names")
            origins.append({"values": values, "exact": True, "restart": state["restart"],
                            "start": (f"initial design: {names[i]}" if names
                                      else _start_name(state))})
            items.append({"skip": inst.n > cfg.n_max, "instance": inst.to_dict()})
        results = ex.map(_score_item, items, ecfg)
        for res, inst, origin in zip(results, insts, origins):
            consider(res, inst, origin)
            pending["scores"].append(-res["value"] if math.isfinite(res["value"]) else 0.0)
        if len(pending["scores"]) == len(X) and pending.get("names"):   # initial design done
            order = np.argsort(pending["scores"], kind="stable")      # best first
            state["design"] = [(f"design point {pending['names'][i]}", pending["X"][i],
                                -pending["scores"][i]) for i in order.tolist()]
            x0 = X[int(order[0])]
            state["restart_best"] = state["design"][0][2]   # progress = beating the start
            saved = np.random.get_state()                   # cma seeds numpy's global state
            es = _new_es(fam, x0, cfg, 0)
            np_state = np.random.get_state()
            np.random.set_state(saved)
            state["pending"] = None
        elif len(pending["scores"]) == len(X):  # the whole generation is scored: tell CMA-ES
            es.tell(X, pending["scores"])
            state["pending"] = None
            top = -min(pending["scores"])
            if state["restart_best"] is None or top > state["restart_best"] + 1e-12:
                state["restart_best"], state["stall"] = top, 0
            else:
                state["stall"] += 1
        else:                                # cut by the evaluation budget: resume here
            state["pending"] = pending
        state["generation"] += 1
        checkpoint()
    if state["best"] is not None and cfg.polish:
        cur = Instance.from_dict(state["best"]["instance"])
        cur_v = state["best"]["value"]
        origin0 = state["best"]["origin"]
        space = Space(n=cfg.n_max, M_max=max(cur.M * 2, fam.M_hi), o_max=int(cur.o.max()) * 2,
                      max_ratio=fam.max_ratio, M_min=fam.M_lo, alpha=fam.alpha)
        while state["polish_done"] < cfg.polish and not done():
            k = min(cfg.popsize, cfg.polish - state["polish_done"])
            batch = [mutate(rng, space, cur) for _ in range(k)]
            results = ex.map(_score_item, [{"instance": b[1].to_dict(),
                                            "skip": b[1].n > cfg.n_max} for b in batch], ecfg)
            for (move, inst), res in zip(batch, results):
                state["polish_done"] += 1
                origin = {"values": origin0.get("values"), "exact": False,
                          "moves": list(origin0.get("moves", [])) + [move]}
                consider(res, inst, origin)
                if res["value"] > cur_v + 1e-12:
                    cur, cur_v, origin0 = inst, res["value"], origin
            checkpoint()
    elapsed = time.monotonic() - t0
    return {"config": cfg.to_dict(), "run_dir": str(run_dir), **state, "elapsed": elapsed,
            "evals_this_run": state["evals"] - evals_at_start,
            "evals_per_second": (state["evals"] - evals_at_start) / elapsed if elapsed else None}
