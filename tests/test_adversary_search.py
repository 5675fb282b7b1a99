"""The adversarial search: valid proposals, certified scores, determinism, checkpoint and
resume, replay, Dask execution and the summary table.

Search mechanics are tested on the registered reference scheduler ``sequential_nc`` with
the ``registered`` reference (fast, and independent of colleagues' modules); the exact
reference is tested separately.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from kvsched import Instance, check
from kvsched_cli.cli import main as cli
from kvsched.errors import KvschedError
from kvsched.lower_bounds import best_lower_bound
from kvsched.schedule import Schedule

from adversary import families
from adversary.evaluate import CERTIFIED, CERTIFIED_LB, evaluate
from adversary.moves import mutate
from adversary.records import load_record, replay, summary_markdown, summary_rows
from adversary.search import SearchConfig, run_search
from adversary.space import Space

ALG = "sequential_nc"


def cfg(**kw) -> SearchConfig:
    base = dict(alg=ALG, n=4, seed=7, walkers=4, reference="registered", o_max=8)
    return SearchConfig(**{**base, **kw})


def trajectory(res) -> list:
    return [(i["evaluation"], i["ratio"], i["label"]) for i in res.improvements]


# -- proposals stay in the space ---------------------------------------------------------

@given(seed=st.integers(0, 2**32 - 1), regime=st.sampled_from(["general", "large"]),
       fam=st.sampled_from(sorted(families.FAMILIES)), n=st.integers(1, 8))
@settings(max_examples=80)
def test_families_and_moves_stay_in_the_space(seed, regime, fam, n):
    space = Space.for_regime(regime, n, o_max=10, large_threshold=0.2, alpha=2.5)
    rng = np.random.default_rng(seed)
    inst = families.FAMILIES[fam](rng, space, n)
    assert inst.n == n and space.contains(inst), (fam, inst)
    for _ in range(5):
        _, inst = mutate(rng, space, inst)
        assert space.contains(inst), inst
        if regime == "large":
            assert inst.large_memory_ratio <= 0.2 + 1e-12


def test_slice_edge_lengths_sit_just_above_a_slice():
    space = Space(n=8, M_max=40, o_max=30, alpha=2.0)
    inst = families.slice_edge(np.random.default_rng(0), space, 8)
    slices = set(families.slice_lengths(2.0, 29))
    assert slices == {1, 2, 4, 8, 16}
    assert families.slice_lengths(1.5, 10) == [1, 2, 3, 4, 5, 6, 7, 8]  # floor/ceil/strict
    assert all(int(o) - 1 in slices or int(o) - 2 in slices for o in inst.o), inst


# -- one evaluation ---------------------------------------------------------------------

def test_evaluation_is_checked_and_labelled():
    inst = Instance(s=[12, 0, 0, 0, 0], o=[2, 2, 2, 2, 2], M=14)
    ev = evaluate(inst.to_dict(), {"alg": ALG, "reference": "registered"})
    alg = check(Schedule.from_attempts(ev["alg_schedule"]), inst).objective
    ref = check(Schedule.from_attempts(ev["ref_schedule"]), inst).objective
    assert (alg, ref) == (ev["alg_objective"], ev["ref_objective"])
    assert ev["ratio"] == alg / ref and ev["ratio_label"] == CERTIFIED_LB
    assert best_lower_bound(inst)[0] == ev["lower_bound"] <= ref <= alg
    assert ev["ratio_to_lower_bound"] >= ev["ratio"] and ev["ratio_to_lower_bound_label"] == "estimate"


def test_exact_reference_is_certified():
    inst = Instance(s=[3, 0, 1, 2], o=[2, 4, 1, 3], M=8)
    ev = evaluate(inst.to_dict(), {"alg": ALG, "reference": "exact", "time_limit": 30})
    assert ev["ref_optimal"] and ev["ratio_label"] == CERTIFIED
    assert ev["lower_bound"] <= ev["ref_objective"] <= ev["alg_objective"]
    auto = evaluate(inst.to_dict(), {"alg": ALG, "reference": "auto", "time_limit": 30})
    assert (auto["ref_objective"], auto["ratio_label"]) == (ev["ref_objective"], CERTIFIED), \
        "the deprecated reference 'auto' is an alias of 'exact'"
    reg = evaluate(inst.to_dict(), {"alg": ALG, "reference": "registered"})
    assert ev["ref_objective"] <= reg["ref_objective"]


def test_bound_beside_a_ratio_is_derived_only_for_gsa_and_gba():
    import bounds
    from adversary.evaluate import bound_value, regime_minimiser
    assert bound_value(ALG, "general", 2.0) is None and regime_minimiser(ALG, "large") is None
    a = regime_minimiser("gba", "large")
    assert a == float(bounds.derive("gba", "large").alpha_star) > 1
    assert bound_value("gba", "large", a) == bounds.ratio_value("gba", "large", a)
    assert bound_value("gsa", "general", None) is None
    with pytest.raises(ValueError):                   # a bug in bounds is not hidden as "n/a"
        bound_value("gsa", "general", 0.5)


def test_lazy_reference_solves_only_candidates_that_could_be_a_new_best(tmp_path):
    inst = Instance(s=[3, 0, 1, 2], o=[2, 4, 1, 3], M=8).to_dict()
    base = {"alg": ALG, "reference": "lazy", "time_limit": 30}
    low = evaluate(inst, {**base, "certify_above": 0.0})
    high = evaluate(inst, {**base, "certify_above": low["ratio_to_lower_bound"]})
    assert low["ratio_label"] == CERTIFIED and high["ratio_label"] == CERTIFIED_LB
    assert high["ratio"] <= low["ratio"] <= low["ratio_to_lower_bound"]
    res = run_search(cfg(reference="lazy"), tmp_path, evals=48)
    labels = {load_record(res.run_dir / i["file"])["ratio_label"] for i in res.improvements}
    assert labels == {CERTIFIED}, "every new best is solved exactly"
    assert res.certified_evals < res.evals


# -- the search ---------------------------------------------------------------------------

def test_same_seed_and_evals_give_the_same_search(tmp_path):
    a = run_search(cfg(), tmp_path / "a", evals=60)
    b = run_search(cfg(), tmp_path / "b", evals=60)
    c = run_search(cfg(seed=8), tmp_path / "c", evals=60)
    assert a.evals == b.evals == 60 and trajectory(a) == trajectory(b)
    assert a.best["instance"] == b.best["instance"]
    assert a.best["ratio"] > 1 and a.best["ratio_label"] == CERTIFIED_LB
    assert trajectory(a) != trajectory(c)
    # every improvement file exists, is self-contained and strictly improves
    ratios = [load_record(a.run_dir / i["file"])["ratio"] for i in a.improvements]
    assert ratios == sorted(set(ratios)) and ratios[-1] == a.best["ratio"]


def test_interrupted_search_resumes_without_losing_anything(tmp_path):
    full = run_search(cfg(), tmp_path / "full", evals=80)

    class Killed(Exception):
        pass

    def kill_after_3(p):
        if p["generation"] == 3:
            raise Killed

    with pytest.raises(Killed):
        run_search(cfg(), tmp_path / "cut", evals=80, on_generation=kill_after_3)
    run_dir = tmp_path / "cut" / cfg().run_name()
    found = sorted(p.name for p in run_dir.glob("improvement-*.json"))
    assert found, "improvements found before the kill are on disk"
    ck = json.loads((run_dir / "checkpoint.json").read_text())
    assert ck["state"]["evals"] == 12
    rest = run_search(cfg(), tmp_path / "cut", evals=80)
    assert rest.resumed_from == 12 and rest.evals == 80
    assert trajectory(rest) == trajectory(full)
    assert set(found) <= {p.name for p in run_dir.glob("improvement-*.json")}
    assert rest.best["instance"] == full.best["instance"]


def test_time_budget_then_evals_resume(tmp_path):
    short = run_search(cfg(), tmp_path, evals=None, budget=1e-9)   # one generation at most
    assert short.evals <= 4
    more = run_search(cfg(), tmp_path, evals=40)
    ref = run_search(cfg(), tmp_path / "ref", evals=40)
    assert trajectory(more) == trajectory(ref)


def test_checkpoint_of_other_parameters_is_refused(tmp_path):
    run_search(cfg(), tmp_path, evals=8)
    other = cfg(walkers=5)
    (tmp_path / other.run_name()).mkdir(exist_ok=True)
    ck = tmp_path / cfg().run_name() / "checkpoint.json"
    (tmp_path / other.run_name() / "checkpoint.json").write_text(ck.read_text())
    with pytest.raises(KvschedError, match="other parameters.*walkers"):
        run_search(other, tmp_path, evals=16)


def test_checkpoint_from_before_a_new_field_resumes_at_its_default(tmp_path):
    """A checkpoint written before ``solver`` existed ran with the default (HiGHS): it
    resumes under the default and is refused under another solver."""
    full = run_search(cfg(), tmp_path / "full", evals=40)
    run_search(cfg(), tmp_path / "old", evals=16)
    ck = tmp_path / "old" / cfg().run_name() / "checkpoint.json"
    data = json.loads(ck.read_text())
    del data["config"]["solver"]
    ck.write_text(json.dumps(data))
    with pytest.raises(KvschedError, match="other parameters.*solver"):
        run_search(cfg(solver="astar"), tmp_path / "old", evals=40)
    rest = run_search(cfg(), tmp_path / "old", evals=40)
    assert rest.resumed_from == 16 and trajectory(rest) == trajectory(full)


def test_astar_and_highs_references_give_the_same_certified_search(tmp_path):
    """Both exact solvers prove the same optima, so the search (whose moves depend only on
    the ratios) takes the same path and certifies the same best ratio."""
    a = run_search(cfg(reference="exact", n=5), tmp_path / "h", evals=24)
    b = run_search(cfg(reference="exact", n=5, solver="astar"), tmp_path / "a", evals=24)
    assert trajectory(a) == trajectory(b) and a.best["instance"] == b.best["instance"]
    assert a.best["ratio_label"] == b.best["ratio_label"] == CERTIFIED
    assert [a.best["reference"]["source"], b.best["reference"]["source"]] == [
        "lp.exact (highs)", "lp.exact (astar)"]
    with pytest.raises(KvschedError, match="unknown solver"):
        cfg(solver="gurobi")


def test_local_processes_give_the_serial_result(tmp_path):
    serial = run_search(cfg(regime="large"), tmp_path / "s", evals=40)
    par = run_search(cfg(regime="large"), tmp_path / "p", evals=40, workers=2)
    assert trajectory(serial) == trajectory(par)
    for _, rec in [(p, load_record(p)) for p in (tmp_path / "p").rglob("improvement-*.json")]:
        assert rec["large_memory_ratio"] <= 0.25 and rec["regime"] == "large"


def test_dask_cluster_gives_the_serial_result(tmp_path, capsys):
    from dask.distributed import Client, LocalCluster
    serial = run_search(cfg(), tmp_path / "s", evals=24)
    with LocalCluster(n_workers=2, processes=False, threads_per_worker=1,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        viaclient = run_search(cfg(), tmp_path / "d", evals=24, scheduler=client)
        c = cfg()
        assert cli(["search", "--alg", ALG, "--n", str(c.n), "--seed", str(c.seed),
                    "--walkers", str(c.walkers), "--o-max", str(c.o_max), "--reference",
                    "registered", "--evals", "24", "--out", str(tmp_path / "a"), "--quiet",
                    "--json", "--scheduler", cluster.scheduler_address]) == 0
    viaaddr = json.loads(capsys.readouterr().out)["improvements"]
    assert trajectory(serial) == trajectory(viaclient)
    assert [(i["evaluation"], i["ratio"], i["label"]) for i in viaaddr] == trajectory(serial)


# -- replay -------------------------------------------------------------------------------

def test_replay_confirms_and_detects_tampering(tmp_path, capsys):
    res = run_search(cfg(), tmp_path, evals=24)
    best = res.run_dir / "best.json"
    rep = replay(best, reference="registered")
    assert rep.ok, rep.checks
    assert cli(["search", "--replay", str(best), "--reference", "registered", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True

    rec = json.loads(best.read_text())
    rec["alg_objective"] += 1                       # a claimed cost that is not the schedule's
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(rec))
    assert not replay(bad, reference="registered").ok
    assert cli(["search", "--replay", str(bad), "--reference", "registered"]) == 1

    rec = json.loads(best.read_text())
    rec["reference"]["schedule"][0][1] += 10**6      # move an attempt: reference changes cost
    bad.write_text(json.dumps(rec))
    failed = [c for c in replay(bad, reference="registered").checks if not c[1]]
    assert failed and "reference" in failed[0][0]

    bad.write_text("{not json")
    assert cli(["search", "--replay", str(bad)]) == 2
    assert "not JSON" in capsys.readouterr().err


# -- the command line and the summary -------------------------------------------------------

def test_cli_search_json_and_summary(tmp_path, capsys):
    argv = ["search", "--alg", ALG, "--n", "3", "--evals", "16", "--seed", "2", "--out",
            str(tmp_path), "--reference", "registered", "--workers", "1", "--quiet", "--json"]
    assert cli(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["evals"] == 16 and out["best"]["ratio_label"] == CERTIFIED_LB
    assert cli(argv) == 0                           # resumes: nothing left to do
    again = json.loads(capsys.readouterr().out)
    assert again["evals_this_run"] == 0 and again["best"] == out["best"]
    rows = summary_rows(tmp_path)
    assert [(r["algorithm"], r["regime"], r["n"]) for r in rows] == [(ALG, "general", 3)]
    assert rows[0]["ratio"] == out["best"]["ratio"]
    md = summary_markdown(tmp_path)
    assert f"{out['best']['ratio']:.4g}" in md and "certified lower bound" in md
    assert cli(["search", "--summary", str(tmp_path)]) == 0
    assert capsys.readouterr().out == md


def test_cli_rejects_bad_arguments(capsys):
    assert cli(["search", "--alg", "nonesuch", "--evals", "4"]) == 2
    assert "unknown algorithm" in capsys.readouterr().err
    assert cli(["search", "--alg", ALG, "--evals", "0"]) == 2


def test_verify_section_reports_gsa_and_gba_beside_their_bounds():
    from bounds import ratio_value

    from adversary.verify_section import section
    t = section(0, True)
    rows = {r["algorithm"]: r for r in t.records()}
    assert set(rows) == {"gsa", "gba"} and t.ok, t.notes
    for alg, r in rows.items():
        assert r["evaluations"] > 0 and r["best ratio"] >= 1
        assert r["label"] in (CERTIFIED, CERTIFIED_LB)
        assert r["bound at alpha"] == ratio_value(alg, "general", r["alpha"])
        assert r["within bound"] is True and r["replay"] == "confirmed"


def test_shrink_keeps_the_ratio_on_a_smaller_instance(tmp_path):
    from adversary.shrink import shrink
    res = run_search(cfg(n=5), tmp_path, evals=40)
    best = res.run_dir / "best.json"
    rec, used = shrink(best, reference="registered")
    old, new = load_record(best), load_record(best.with_name("best-shrunk.json"))
    assert new == rec and used > 1
    assert new["ratio"] >= old["ratio"] and new["ratio_label"] == old["ratio_label"]
    # a certified-lower-bound result shrunk against proven optima keeps its ratio
    rec2, _ = shrink(best, out=tmp_path / "exact-shrunk.json", reference="exact")
    again = evaluate(old["instance"], {"alg": ALG, "reference": "exact"})
    assert rec2["ratio_label"] == CERTIFIED and rec2["ratio"] >= again["ratio"] - 1e-12
    size = lambda r: (r["n"], sum(j["s"] + j["o"] for j in r["instance"]["jobs"]) + r["instance"]["M"])  # noqa: E731
    assert size(new) <= size(old) and size(new) != size(old)
    assert replay(best.with_name("best-shrunk.json"), reference="registered").ok


def test_update_doc_rewrites_only_between_the_markers(tmp_path, capsys):
    from adversary.records import END, START
    run_search(cfg(), tmp_path / "res", evals=16)
    doc = tmp_path / "docs" / "a.md"
    doc.parent.mkdir()
    doc.write_text(f"intro\n{START}\nold table\n{END}\noutro\n")
    assert cli(["search", "--summary", str(tmp_path / "res"), "--update-doc", str(doc)]) == 0
    text = doc.read_text()
    assert text.startswith(f"intro\n{START}\n| algorithm") and text.endswith(f"{END}\noutro\n")
    assert "old table" not in text and f"| {ALG} | general | n<=4 |" in text
    assert "res/" + cfg().run_name() + "/improvement-" in text   # path relative to the repo
    doc.write_text("no markers")
    assert cli(["search", "--summary", str(tmp_path / "res"), "--update-doc", str(doc)]) == 2
