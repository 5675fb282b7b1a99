"""Adversarial search: simulated annealing / random-restart hill climbing over instances.

A search keeps ``walkers`` current instances. Each *generation* proposes one candidate per
walker -- a local move (:func:`adversary.moves.mutate`) or, with probability
``restart_prob`` or after ``patience`` generations without progress, a fresh instance from
a structured family (:mod:`adversary.families`) -- evaluates the batch (in parallel, results
in order), and updates each walker by the Metropolis rule: accept a candidate of score
``x`` over the current ``c`` if ``x >= c``, else with probability ``exp((x - c) / T)``,
``T = t0 * cooling^generation`` (strategy ``anneal``; ``T = 0`` for ``restarts``). The score
is the certified ratio ``ALG/REF`` (:mod:`adversary.evaluate`); with the default reference
``lazy`` only candidates whose ``ALG/LB`` exceeds the best ratio so far are solved exactly
(no other candidate can be a new best), the rest are scored against the best registered
algorithm.

Every new best is saved at once as a self-contained result file, then the whole state
(walkers, best, counters and the numpy bit-generator state) is checkpointed atomically.
All random draws happen in the driver, so a run is a function of ``(config, evals)``:
the same seed and evaluation budget give the same result with 1, 2 or a Dask cluster of
workers, and a run killed at any point and resumed reproduces the uninterrupted run
(provided each exact solve finishes within its time limit -- a solver cut off by the clock
is the one non-deterministic input).
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Callable

import numpy as np

from kvsched import Instance
from kvsched.algorithms import REGISTRY
from kvsched.errors import KvschedError
from kvsched.results import atomic_write_json

from . import families
from .evaluate import CERTIFIED, REFERENCE_CHOICES, evaluate, used_alpha
from .execution import make_executor
from .moves import mutate
from .records import load_record, make_record, save_record
from .space import Space

CHECKPOINT = "checkpoint.json"
EPS = 1e-12


@dataclass(frozen=True)
class SearchConfig:
    """Everything that determines a search's trajectory (the stopping rule aside)."""

    alg: str = "gsa"
    regime: str = "general"          # general | large
    n: int = 6                       # at most n jobs per instance
    seed: int = 0
    alpha: float | None = None       # None: registered default (general) or the regime's
                                     # minimiser from bounds (large)
    strategy: str = "anneal"         # anneal | restarts
    walkers: int = 8                 # candidates per generation
    o_max: int = 12
    M_max: int | None = None         # None = the regime's default (see Space.for_regime)
    large_threshold: float = 0.25    # regime large: max(s+o)/M <= this
    reference: str = "lazy"          # lazy | exact | registered (auto = exact; adversary.evaluate)
    time_limit: float = 10.0         # per exact solve, seconds
    solver: str = "highs"            # lp.exact solver for the reference: highs | cbc | astar
    cross_check_n: int = 5           # confirm proven optima of <= this many jobs by brute force
    t0: float = 0.05                 # initial temperature (ratio units)
    cooling: float = 0.98            # per generation
    restart_prob: float = 0.05
    patience: int = 25               # generations without progress before a walker restarts

    def __post_init__(self) -> None:
        if self.alg not in REGISTRY:
            raise KvschedError(f"unknown algorithm {self.alg!r}; registered: "
                               f"{', '.join(sorted(REGISTRY))}")
        if self.regime not in ("general", "large"):
            raise KvschedError(f"unknown regime {self.regime!r} (general or large)")
        if self.reference not in REFERENCE_CHOICES:
            raise KvschedError(f"unknown reference {self.reference!r}; choose from "
                               f"{', '.join(REFERENCE_CHOICES)}")
        from lp.exact import SOLVERS
        if self.solver not in SOLVERS:
            raise KvschedError(f"unknown solver {self.solver!r}; choose from "
                               f"{', '.join(SOLVERS)}")
        if self.strategy not in ("anneal", "restarts"):
            raise KvschedError(f"unknown strategy {self.strategy!r} (anneal or restarts)")
        if self.n < 1 or self.walkers < 1 or self.o_max < 1:
            raise KvschedError("--n, walkers and o_max must be at least 1")
        if not 0 < self.large_threshold <= 1:
            raise KvschedError(f"large_threshold must be in (0, 1], got {self.large_threshold}")
        if self.alpha is not None and not self.alpha > 1:
            raise KvschedError(f"alpha must be > 1, got {self.alpha}")

    @property
    def used_alpha(self) -> float | None:
        """The alpha the algorithm runs with: the given one; else for the large regime the
        minimiser of the derived large-regime ratio (where its bound is claimed); else the
        algorithm's registered default (the general-regime minimiser)."""
        return used_alpha(self.alg, self.regime, self.alpha)

    def space(self) -> Space:
        return Space.for_regime(self.regime, self.n, M_max=self.M_max, o_max=self.o_max,
                                large_threshold=self.large_threshold,
                                alpha=self.used_alpha or 2.0)

    def eval_config(self) -> dict[str, Any]:
        return {"alg": self.alg, "alpha": self.used_alpha, "reference": self.reference,
                "time_limit": self.time_limit, "cross_check_n": self.cross_check_n,
                "solver": self.solver}

    def run_name(self) -> str:
        a = "" if self.alpha is None else f"-a{self.alpha:g}"
        return f"{self.alg}-{self.regime}-n{self.n}{a}-seed{self.seed}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SearchConfig":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass
class SearchResult:
    config: SearchConfig
    run_dir: Path
    best: dict[str, Any] | None          # the best result record (as saved)
    improvements: list[dict[str, Any]]   # [{evaluation, ratio, label, file}]
    evals: int                           # total evaluations (across resumes)
    certified_evals: int                 # of which against a proven optimum
    generations: int
    elapsed: float                       # seconds in this invocation
    evals_this_run: int
    resumed_from: int                    # evaluations already done when this run began
    inconsistent: list[str] = field(default_factory=list)

    @property
    def evals_per_second(self) -> float:
        return self.evals_this_run / self.elapsed if self.elapsed > 0 else float("nan")


def _fresh_state(cfg: SearchConfig) -> dict[str, Any]:
    rng = np.random.default_rng(cfg.seed)
    return {"generation": 0, "evals": 0, "certified_evals": 0,
            "rng": rng.bit_generator.state, "walkers": [], "best": None,
            "improvements": [], "inconsistent": []}


def load_checkpoint(run_dir: Path, cfg: SearchConfig) -> dict[str, Any] | None:
    """The saved state if ``run_dir`` holds a checkpoint of the same configuration."""
    import json
    p = run_dir / CHECKPOINT
    if not p.exists():
        return None
    try:
        data = json.loads(p.read_text())
    except (OSError, ValueError) as e:      # ValueError: truncated JSON or not UTF-8
        raise KvschedError(f"{p}: unreadable checkpoint ({e}); use another --out or --fresh") \
            from None
    if not isinstance(data, dict) or not isinstance(data.get("state"), dict):
        raise KvschedError(f"{p}: not a search checkpoint; use another --out or --fresh")
    saved = dict(data.get("config", {}))
    # a field added after the checkpoint was written ran at its default value then
    defaults = {f.name: f.default for f in fields(SearchConfig)}
    for k, v in cfg.to_dict().items():
        if k not in saved and v == defaults.get(k):
            saved[k] = v
    if saved != cfg.to_dict():
        diff = sorted(k for k, v in cfg.to_dict().items() if saved.get(k) != v)
        raise KvschedError(f"{p}: checkpoint was made with other parameters ({', '.join(diff)}); "
                           f"use another --out or --fresh")
    return data["state"]


def _propose(cfg: SearchConfig, space: Space, rng: np.random.Generator,
             walkers: list[dict]) -> list[tuple[Instance, str, bool]]:
    """One candidate per walker: ``(instance, how, fresh?)``; fills empty walker slots."""
    out = []
    for k in range(cfg.walkers):
        w = walkers[k] if k < len(walkers) else None
        if w is None or w["stale"] >= cfg.patience or rng.random() < cfg.restart_prob:
            fam, inst = families.draw(rng, space)
            out.append((inst, fam, True))
        else:
            move, inst = mutate(rng, space, Instance.from_dict(w["instance"]))
            out.append((inst, f"{w['family']}+{move}", False))
    return out


def run_search(cfg: SearchConfig, out: str | Path, *, evals: int | None = None,
               budget: float | None = None, workers: int = 1, scheduler: Any = None,
               resume: bool = True, executor: Any = None,
               on_generation: Callable[[dict[str, Any]], None] | None = None) -> SearchResult:
    """Search until ``evals`` total evaluations (deterministic) or ``budget`` seconds of
    this invocation (whichever comes first), checkpointing after every generation.

    ``resume`` continues from ``out/<run name>/checkpoint.json`` when it exists (same
    configuration required). ``on_generation(progress)`` is called after each checkpoint.
    ``executor`` (from :func:`adversary.execution.make_executor`) overrides ``workers`` and
    ``scheduler`` and is left open for the caller to reuse.
    """
    if evals is None and budget is None:
        raise KvschedError("give an evaluation budget (--evals) or a time budget (--budget)")
    run_dir = Path(out) / cfg.run_name()
    run_dir.mkdir(parents=True, exist_ok=True)
    space = cfg.space()
    state = (load_checkpoint(run_dir, cfg) if resume else None) or _fresh_state(cfg)
    rng = np.random.default_rng()
    rng.bit_generator.state = state["rng"]
    alpha = cfg.used_alpha
    params = {**cfg.to_dict(), "space": space.to_dict()}
    resumed_from = state["evals"]
    t_start = time.monotonic()
    own = executor is None
    if own:
        executor = make_executor(workers, scheduler)
    try:
        while True:
            if evals is not None and state["evals"] >= evals:
                break
            if budget is not None and time.monotonic() - t_start >= budget:
                break
            props = _propose(cfg, space, rng, state["walkers"])
            if evals is not None:
                props = props[: evals - state["evals"]]
            ecfg = cfg.eval_config()
            ecfg["certify_above"] = state["best"]["ratio"] if state["best"] else 0.0
            results = executor.map(evaluate, [p[0].to_dict() for p in props], ecfg)
            T = cfg.t0 * cfg.cooling ** state["generation"] if cfg.strategy == "anneal" else 0.0
            for k, ((inst, how, fresh), ev) in enumerate(zip(props, results)):
                state["evals"] += 1
                e = state["evals"]
                state["certified_evals"] += ev["ratio_label"] == CERTIFIED
                if not ev["consistent"]:
                    rec = make_record(ev, regime=cfg.regime, alpha=alpha, seed=cfg.seed,
                                      params=params, evaluation=e, family=how)
                    path = save_record(run_dir / f"inconsistent-e{e:07d}.json", rec)
                    state["inconsistent"].append(str(path.name))
                    continue
                x = ev["ratio"]
                best = state["best"]
                if best is None or x > best["ratio"] + EPS:
                    rec = make_record(ev, regime=cfg.regime, alpha=alpha, seed=cfg.seed,
                                      params=params, evaluation=e, family=how)
                    name = f"improvement-e{e:07d}.json"
                    save_record(run_dir / name, rec)
                    save_record(run_dir / "best.json", rec)
                    state["best"] = {"ratio": x, "label": ev["ratio_label"], "evaluation": e,
                                     "file": name, "instance": ev["instance"]}
                    state["improvements"].append({"evaluation": e, "ratio": x,
                                                  "label": ev["ratio_label"], "file": name})
                walkers = state["walkers"]
                new = {"instance": ev["instance"], "score": x, "family": how, "stale": 0}
                if k >= len(walkers):
                    walkers.append(new)
                    continue
                cur = walkers[k]
                if fresh or x > cur["score"] + EPS:
                    walkers[k] = new
                elif x >= cur["score"] - EPS or (T > 0 and rng.random() < math.exp((x - cur["score"]) / T)):
                    new["stale"] = cur["stale"] + 1
                    walkers[k] = new
                else:
                    cur["stale"] += 1
            state["generation"] += 1
            state["rng"] = rng.bit_generator.state
            atomic_write_json(run_dir / CHECKPOINT, {"kind": "kvsched-adversary-checkpoint",
                                                     "config": cfg.to_dict(), "state": state})
            if on_generation is not None:
                on_generation({"evals": state["evals"], "generation": state["generation"],
                               "best": state["best"],
                               "elapsed": time.monotonic() - t_start})
    finally:
        if own:
            executor.close()
    best = load_record(run_dir / state["best"]["file"]) if state["best"] else None
    return SearchResult(cfg, run_dir, best, list(state["improvements"]), state["evals"],
                        state["certified_evals"], state["generation"],
                        time.monotonic() - t_start, state["evals"] - resumed_from,
                        resumed_from, list(state["inconsistent"]))
