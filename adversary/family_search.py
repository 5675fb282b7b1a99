"""Parametric instance families as first-class objects, and a black-box search over them.

A :class:`ParamFamily` is a generator with named, typed parameter ranges
(:class:`Param`); :meth:`ParamFamily.build` maps a parameter dict (and a seed, used only by
the ``order = "shuffle"`` choice) to an :class:`~kvsched.Instance`, deterministically, so a
saved ``{"family", "family_params", "seed"}`` reproduces its instance exactly
(:func:`rebuild`). The shapes (issue 14):

* *classes*: up to three classes of ``count_j`` identical jobs with output just above a
  budget, ``o_j = tau_{k_j} + delta_j`` (``tau`` the algorithm's budgets at its alpha), so
  every GSA slice up to ``tau_{k_j}`` is killed and wasted, with prompt
  ``s_j = round(prompt_j * (cap - o_j))``;
* *blockers*: ``blockers`` jobs with a large prompt ``s = cap - o_b`` and short output;
* *half-memory* jobs: ``s = floor(M/2)``, output ``o_h`` (no two fit together);
* *identical jobs*: every class is a block of copies;
* the *order* in which the jobs are listed (``given``: classes, blockers, half-memory;
  ``reverse``; ``o_desc``; ``o_asc``; ``s_desc``; ``interleave``; ``shuffle`` -- seeded):
  a non-clairvoyant algorithm breaks ties by index, so the listing is part of its worst
  case;
* ``M`` and the regime's footprint cap ``cap = floor(max_ratio * M)``.

:func:`optimise` tunes the parameters with CMA-ES (the ``cma`` package, seeded; each
coordinate lives in ``[0, 1]`` and :meth:`ParamFamily.decode` maps it to its range) to
maximise an objective of :mod:`adversary.objectives`: the certified ratio ``ALG/REF``
(:mod:`adversary.reference`; proven OPT when ``n`` is small) or a lemma's violation.
After CMA-ES, instance-level moves (:func:`adversary.moves.mutate`) polish the best.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from kvsched import Instance
from kvsched.algorithms.pipeline import geometric_budgets
from kvsched.errors import KvschedError

ORDERS = ("given", "reverse", "o_desc", "o_asc", "s_desc", "interleave", "shuffle")


@dataclass(frozen=True)
class Param:
    """A named parameter: ``kind`` is ``int``, ``float`` or ``choice`` (then ``choices``)."""

    name: str
    kind: str
    lo: float = 0.0
    hi: float = 1.0
    log: bool = False
    choices: tuple = ()

    def decode(self, u: float) -> Any:
        """Map ``u`` in ``[0, 1]`` (clipped) to a value of the range."""
        u = min(max(float(u), 0.0), 1.0)
        if self.kind == "choice":
            return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]
        if self.log:
            x = math.exp(math.log(self.lo) + u * (math.log(self.hi) - math.log(self.lo)))
        else:
            x = self.lo + u * (self.hi - self.lo)
        if self.kind == "int":
            return int(min(max(round(x), self.lo), self.hi))
        return float(x)

    def encode(self, v: Any) -> float:
        """Inverse of :meth:`decode` (the centre of the value's cell for choices)."""
        if self.kind == "choice":
            return (self.choices.index(v) + 0.5) / len(self.choices)
        if self.hi == self.lo:
            return 0.5
        if self.log:
            return (math.log(v) - math.log(self.lo)) / (math.log(self.hi) - math.log(self.lo))
        return (float(v) - self.lo) / (self.hi - self.lo)

    def validate(self, v: Any) -> None:
        if self.kind == "choice":
            if v not in self.choices:
                raise KvschedError(f"family parameter {self.name} = {v!r} not in {self.choices}")
            return
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not self.lo <= v <= self.hi:
            raise KvschedError(f"family parameter {self.name} = {v!r} outside "
                               f"[{self.lo:g}, {self.hi:g}]")
        if self.kind == "int" and int(v) != v:
            raise KvschedError(f"family parameter {self.name} = {v!r} must be an integer")

    def to_dict(self) -> dict:
        d = {"name": self.name, "kind": self.kind, "lo": self.lo, "hi": self.hi,
             "log": self.log}
        if self.choices:
            d["choices"] = list(self.choices)
        return d


N_CLASSES = 3


def _params(M_lo: int, M_hi: int, count_hi: int) -> tuple[Param, ...]:
    ps = [Param("M", "int", M_lo, M_hi, log=True)]
    for j in range(N_CLASSES):
        ps += [Param(f"k{j}", "int", 0, 9), Param(f"delta{j}", "int", 1, 3),
               Param(f"count{j}", "int", 0, count_hi, log=False),
               Param(f"prompt{j}", "float", 0.0, 1.0)]
    ps += [Param("blockers", "int", 0, count_hi // 2), Param("o_b", "int", 1, 8),
           Param("half", "int", 0, count_hi // 2), Param("o_h", "int", 1, 8),
           Param("order", "choice", choices=ORDERS)]
    return tuple(ps)


@dataclass(frozen=True)
class ParamFamily:
    """The structured family of the module doc, for one algorithm ``alpha`` (the budgets
    ``tau_k`` the classes sit above) and one regime (``max_ratio``: 1 general, e.g. 0.1
    large memory)."""

    name: str = "classes"
    alpha: float = 2.0
    max_ratio: float = 1.0
    M_lo: int = 8
    M_hi: int = 2048
    count_hi: int = 200

    @property
    def params(self) -> tuple[Param, ...]:
        return _params(self.M_lo, self.M_hi, self.count_hi)

    @property
    def dim(self) -> int:
        return len(self.params)

    def decode(self, u) -> dict[str, Any]:
        return {p.name: p.decode(x) for p, x in zip(self.params, np.asarray(u).tolist())}

    def encode(self, values: dict[str, Any]) -> np.ndarray:
        return np.array([p.encode(values[p.name]) for p in self.params])

    def validate(self, values: dict[str, Any]) -> None:
        names = {p.name for p in self.params}
        extra = set(values) - names
        if extra:
            raise KvschedError(f"family {self.name}: unknown parameters {sorted(extra)}")
        for p in self.params:
            if p.name not in values:
                raise KvschedError(f"family {self.name}: missing parameter {p.name}")
            p.validate(values[p.name])

    def cap(self, M: int) -> int:
        return int(math.floor(self.max_ratio * M + 1e-9))

    def build(self, values: dict[str, Any], seed: int = 0) -> Instance:
        """The instance of ``values`` (module doc). Jobs that cannot fit the regime's cap
        are clamped (``o <= cap``, ``s <= cap - o``); an empty instance gets one unit job."""
        self.validate(values)
        M = int(values["M"])
        cap = max(self.cap(M), 1)
        taus = geometric_budgets(self.alpha, 12)
        s: list[int] = []
        o: list[int] = []
        tag: list[int] = []
        for j in range(N_CLASSES):
            c = int(values[f"count{j}"])
            oj = min(taus[int(values[f"k{j}"])] + int(values[f"delta{j}"]), cap)
            sj = int(round(float(values[f"prompt{j}"]) * (cap - oj)))
            s += [sj] * c
            o += [oj] * c
            tag += [j] * c
        ob = min(int(values["o_b"]), cap)
        s += [cap - ob] * int(values["blockers"])
        o += [ob] * int(values["blockers"])
        tag += [N_CLASSES] * int(values["blockers"])
        oh = min(int(values["o_h"]), cap)
        sh = min(M // 2, cap - oh)
        s += [sh] * int(values["half"])
        o += [oh] * int(values["half"])
        tag += [N_CLASSES + 1] * int(values["half"])
        if not o:
            s, o, tag = [0], [1], [0]
        s_a, o_a, t_a = (np.asarray(x, dtype=np.int64) for x in (s, o, tag))
        perm = _order(values["order"], s_a, o_a, t_a, seed)
        return Instance(s=s_a[perm], o=o_a[perm], M=M)

    def to_dict(self) -> dict:
        return {"name": self.name, "alpha": self.alpha, "max_ratio": self.max_ratio,
                "M_lo": self.M_lo, "M_hi": self.M_hi, "count_hi": self.count_hi,
                "params": [p.to_dict() for p in self.params]}

    @classmethod
    def from_dict(cls, d: dict) -> "ParamFamily":
        keys = ("name", "alpha", "max_ratio", "M_lo", "M_hi", "count_hi")
        return cls(**{k: d[k] for k in keys if k in d})


def _order(kind: str, s: np.ndarray, o: np.ndarray, tag: np.ndarray, seed: int) -> np.ndarray:
    idx = np.arange(len(o))
    if kind == "given":
        return idx
    if kind == "reverse":
        return idx[::-1].copy()
    if kind == "o_desc":
        return np.lexsort((idx, -o))
    if kind == "o_asc":
        return np.lexsort((idx, o))
    if kind == "s_desc":
        return np.lexsort((idx, -s))
    if kind == "interleave":           # round-robin over the groups
        rank = np.zeros(len(o), dtype=np.int64)
        for t in np.unique(tag):
            where = np.flatnonzero(tag == t)
            rank[where] = np.arange(len(where))
        return np.lexsort((tag, rank))
    if kind == "shuffle":
        return np.random.default_rng(seed).permutation(len(o))
    raise KvschedError(f"unknown order {kind!r}; choose from {', '.join(ORDERS)}")


def rebuild(family: dict, values: dict, seed: int) -> Instance:
    """The instance a saved record names: ``ParamFamily.from_dict(family).build(values,
    seed)``."""
    return ParamFamily.from_dict(family).build(values, seed)


# -- objectives ----------------------------------------------------------------------------
def lemma_names(alg: str, regime: str) -> list[str]:
    """The behavioural lemmas of the ledger for ``alg`` in ``regime`` that have an
    empirical check (``bounds.catalogue.lemmas_for``)."""
    from bounds.catalogue import lemmas_for
    return [l.name for l in lemmas_for(alg, regime) if l.empirical]


def lemma_check(alg: str, regime: str, lemma: str):
    """``(run_case parameters, run -> Outcome)`` for ``lemma``, exactly as the ledger
    runs it (``bounds.ledger.derived_params`` and its checker; if the bounds module
    renames them, this is the one place to adapt)."""
    import importlib
    from bounds import derive
    L = importlib.import_module("bounds.ledger")
    from bounds.catalogue import lemmas_for
    d = derive(alg, regime)
    p = L.derived_params(d)
    for l in lemmas_for(alg, regime):
        if l.name == lemma and l.empirical:
            return p, L._checker(l, d, p["dilation"])
    raise KvschedError(f"no behavioural lemma {lemma!r} for {alg}/{regime}; choose from "
                       f"{', '.join(lemma_names(alg, regime))}")


def score(inst: Instance, config: dict) -> dict[str, Any]:
    """One evaluation, plain data in and out (runs on workers). ``config["objective"]``:

    * ``"ratio"``: :func:`adversary.evaluate.evaluate` (``ALG/REF`` certified; proven OPT
      up to ``exact_max_n`` jobs), value = the ratio;
    * a lemma name: ``bounds.empirical.run_case`` with the ledger's parameters, then the
      lemma's check; value = ``-slack`` (``> 0``: the lemma is violated on ``inst``).
    """
    obj = config.get("objective", "ratio")
    if obj == "ratio":
        from .evaluate import evaluate
        ev = evaluate(inst.to_dict(), config)
        return {"value": ev["ratio"] if ev["consistent"] else float("-inf"), "ev": ev}
    from bounds.empirical import run_case
    p, fn = lemma_check(config["alg"], config["regime"], obj)
    run = run_case("family", inst, config["alg"], p["alpha"], p["dilation"])
    out = fn(run)
    return {"value": -float(out.slack), "lemma": obj, "slack": float(out.slack),
            "violated": bool(out.violated), "inconclusive": bool(out.inconclusive),
            "basis": out.basis, "detail": out.detail, "reference": out.reference,
            "alg_objective": int(run.result.objective),
            "alg_schedule": run.result.schedule.to_dict()["attempts"],
            "run_params": {"alpha": p["alpha"], "dilation": run.dilation}}


# -- the search ----------------------------------------------------------------------------
LEMMA_KIND = "kvsched-adversary-lemma"


@dataclass(frozen=True)
class FamilyConfig:
    """Everything that determines a family search (the stopping rule aside)."""

    alg: str = "gsa"
    regime: str = "general"          # general | large (max(s+o)/M <= large_threshold)
    objective: str = "ratio"         # ratio | a lemma name (lemma_names)
    seed: int = 0
    alpha: float | None = None       # None: as adversary.search.SearchConfig.used_alpha
    n_max: int = 400                 # candidates with more jobs score 0
    M_hi: int | None = None          # None: 2048 general, 20000 large
    count_hi: int = 150
    large_threshold: float = 0.10
    popsize: int = 12
    sigma0: float = 0.3
    polish: int = 0                  # instance-level moves on the best, after CMA-ES

    def used_alpha(self) -> float | None:
        from .search import SearchConfig
        return SearchConfig(alg=self.alg, regime=self.regime, alpha=self.alpha).used_alpha

    def family(self) -> ParamFamily:
        large = self.regime == "large"
        return ParamFamily(alpha=self.used_alpha() or 2.0,
                           max_ratio=self.large_threshold if large else 1.0,
                           M_lo=max(8, math.ceil(10 / self.large_threshold)) if large else 8,
                           M_hi=self.M_hi or (20000 if large else 2048),
                           count_hi=self.count_hi)

    def run_name(self) -> str:
        return f"{self.alg}-{self.regime}-{self.objective}-seed{self.seed}"

    def eval_config(self) -> dict[str, Any]:
        return {"alg": self.alg, "regime": self.regime, "objective": self.objective,
                "alpha": self.used_alpha(), "reference": "lazy", "seed": self.seed,
                "time_limit": 10.0, "solver": "astar", "cross_check_n": 5}

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict
        return asdict(self)


def _score_item(item: dict, config: dict) -> dict[str, Any]:
    """Worker entry point: build nothing, score one instance dict."""
    if item.get("skip"):
        return {"value": 0.0, "skipped": True}
    return score(Instance.from_dict(item["instance"]), config)


def make_family_record(cfg: FamilyConfig, res: dict, inst: Instance, origin: dict,
                       evaluation: int) -> dict[str, Any]:
    """The saved form (saved-result contract: kind, instance, algorithm, params with
    alpha, provenance) of a family search's improvement."""
    from kvsched.results import provenance
    fam = cfg.family()
    params = {**cfg.to_dict(), "family_spec": fam.to_dict()}
    if cfg.objective == "ratio":
        from .records import make_record
        rec = make_record(res["ev"], regime=cfg.regime, alpha=cfg.used_alpha(), seed=cfg.seed,
                          params={**params, "n": inst.n}, evaluation=evaluation,
                          family=f"{fam.name}{'' if origin.get('exact') else ' + moves'}")
    else:
        rec = {"kind": LEMMA_KIND, "lemma": res["lemma"], "algorithm": cfg.alg,
               "regime": cfg.regime, "params": dict(res["run_params"]),
               "family": fam.name, "instance": inst.to_dict(), "n": inst.n,
               "large_memory_ratio": inst.large_memory_ratio,
               "schedule": {"attempts": res["alg_schedule"]},
               "objective": res["alg_objective"], "reference_schedule": res["reference"],
               "slack": res["slack"], "violation": res["value"], "violated": res["violated"],
               "inconclusive": res["inconclusive"], "basis": res["basis"],
               "detail": res["detail"], "evaluation": evaluation,
               "provenance": provenance(cfg.seed, params)}
    rec["params"] = {**rec.get("params", {}), "alpha": cfg.used_alpha()}
    rec["family_spec"] = fam.to_dict()
    rec["family_params"] = origin.get("values")
    rec["family_seed"] = cfg.seed
    rec["family_exact"] = bool(origin.get("exact"))      # False: polished by moves
    rec["moves"] = origin.get("moves", [])
    return rec


def optimise(cfg: FamilyConfig, out, *, evals: int | None = None, budget: float | None = None,
             executor: Any = None, resume: bool = True, on_generation=None) -> dict[str, Any]:
    """CMA-ES over the family's parameters (seeded ``cma``), then ``cfg.polish``
    instance-level moves on the best; every new best is saved at once under
    ``out/<run name>/`` and the state checkpointed (``checkpoint.json``, the CMA-ES state
    pickled) after every generation. Returns the best and the counters."""
    import base64
    import json
    import pickle
    import time
    from pathlib import Path

    import cma

    from kvsched.results import atomic_write_json
    from .execution import SerialExecutor
    from .moves import mutate
    from .space import Space

    if evals is None and budget is None:
        raise KvschedError("give an evaluation budget (--evals) or a time budget (--budget)")
    if cfg.objective != "ratio":
        lemma_check(cfg.alg, cfg.regime, cfg.objective)        # fail early on a bad name
    fam = cfg.family()
    run_dir = Path(out) / cfg.run_name()
    run_dir.mkdir(parents=True, exist_ok=True)
    ck = run_dir / "checkpoint.json"
    state = None
    if resume and ck.exists():
        data = json.loads(ck.read_text())
        if data.get("config") != cfg.to_dict():
            raise KvschedError(f"{ck}: checkpoint was made with other parameters; use "
                               f"another --out or --fresh")
        state = data["state"]
        es = pickle.loads(base64.b64decode(state.pop("es")))
        rng = np.random.default_rng()
        rng.bit_generator.state = state["rng"]
    else:
        es = cma.CMAEvolutionStrategy(fam.encode(default_values(fam)), cfg.sigma0,
                                      {"seed": cfg.seed + 1, "bounds": [0, 1],
                                       "popsize": cfg.popsize, "verbose": -9})
        rng = np.random.default_rng(cfg.seed)
        state = {"evals": 0, "generation": 0, "best": None, "improvements": [],
                 "polish_done": 0}
    ex = executor or SerialExecutor()
    ecfg = cfg.eval_config()
    t0 = time.monotonic()

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
        state["best"] = {"value": x, "file": name, "instance": inst.to_dict(),
                         "origin": origin, "n": inst.n,
                         "label": rec.get("ratio_label", "lemma violation")}
        state["improvements"].append({"evaluation": state["evals"], "value": x, "file": name})

    def checkpoint() -> None:
        st = dict(state, es=base64.b64encode(pickle.dumps(es)).decode(),
                  rng=rng.bit_generator.state)
        atomic_write_json(ck, {"kind": "kvsched-family-checkpoint", "config": cfg.to_dict(),
                               "state": st})
        if on_generation is not None:
            on_generation({"evals": state["evals"], "best": state["best"],
                           "elapsed": time.monotonic() - t0})

    cma_evals = evals - cfg.polish if evals is not None else None
    while not done() and (cma_evals is None or state["evals"] < cma_evals) and not es.stop():
        X = es.ask()
        items, insts, origins = [], [], []
        for x in X:
            values = fam.decode(x)
            inst = fam.build(values, cfg.seed)
            insts.append(inst)
            origins.append({"values": values, "exact": True})
            items.append({"skip": inst.n > cfg.n_max, "instance": inst.to_dict()})
        results = ex.map(_score_item, items, ecfg)
        for res, inst, origin in zip(results, insts, origins):
            consider(res, inst, origin)
        es.tell(X, [-r["value"] if math.isfinite(r["value"]) else 0.0 for r in results])
        state["generation"] += 1
        checkpoint()
    # polish: hill climbing with instance-level moves from the best
    if state["best"] is not None and cfg.polish:
        cur = Instance.from_dict(state["best"]["instance"])
        cur_v = state["best"]["value"]
        origin0 = state["best"]["origin"]
        space = Space(n=cfg.n_max, M_max=max(cur.M * 2, fam.M_hi), o_max=int(cur.o.max()) * 2,
                      max_ratio=fam.max_ratio, M_min=fam.M_lo, alpha=fam.alpha)
        while state["polish_done"] < cfg.polish and not done():
            batch = [mutate(rng, space, cur) for _ in range(cfg.popsize)]
            results = ex.map(_score_item, [{"instance": b[1].to_dict()} for b in batch], ecfg)
            for (move, inst), res in zip(batch, results):
                state["polish_done"] += 1
                origin = {"values": origin0.get("values"), "exact": False,
                          "moves": list(origin0.get("moves", [])) + [move]}
                consider(res, inst, origin)
                if res["value"] > cur_v + 1e-12:
                    cur, cur_v, origin0 = inst, res["value"], origin
            checkpoint()
    return {"config": cfg.to_dict(), "run_dir": str(run_dir), **state,
            "elapsed": time.monotonic() - t0}


def default_values(fam: ParamFamily) -> dict[str, Any]:
    """The start point of CMA-ES: the middle of every range (order ``given``)."""
    v = {p.name: p.decode(0.5) for p in fam.params}
    v["order"] = "given"
    return v
