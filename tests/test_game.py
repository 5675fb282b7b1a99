"""The game value of tiny families (adversary.game, docs/game.md): the exact AND-OR search
against an independent brute force over all policies, the value's place between 1 and
every non-clairvoyant algorithm's worst ratio, exactness (the next smaller ratio cannot be
guaranteed), the decision tree replayed leaf by leaf, and the command line."""
from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import pytest

from adversary.game import Family, algorithm_worst, game_value, opt_table
from adversary.game.brute import brute_value
from adversary.game.search import guarantee, play
from adversary.game.tree import decision_tree

TINY = [Family(3, (0,), 3), Family(3, (1, 1), 2), Family(4, (0, 1), 2), Family(4, (0, 0), 2),
        Family(5, (0, 2), 3), Family(5, (1, 1), 3), Family(5, (0, 1), 3), Family(4, (0, 1), 3),
        Family(5, (0, 0), 4)]


@pytest.mark.parametrize("fam", TINY, ids=[f.label for f in TINY])
def test_value_equals_brute_force(fam):
    res = game_value(fam)
    value, _ = brute_value(fam)
    assert res.value == value


@pytest.mark.slow
def test_value_equals_brute_force_three_jobs():
    fam = Family(6, (0, 1, 2), 2)
    assert game_value(fam).value == brute_value(fam)[0]


@pytest.mark.parametrize("fam", TINY + [Family(6, (0, 1, 2), 2)],
                         ids=[f.label for f in TINY] + ["M=6 s=(0,1,2) L=2"])
def test_value_between_one_and_every_nonclairvoyant_algorithm(fam):
    opt = opt_table(fam)
    res = game_value(fam, opt)
    assert res.value >= 1
    for alg in ("gsa", "fcfs", "sequential_nc"):
        w = algorithm_worst(fam, alg, opt)
        assert w.ratio >= res.value, (alg, w.ratio, res.value)
    # the value is attained: the optimal policy pays value * OPT on its witness
    assert Fraction(res.alg_cost, res.opt) == res.value
    assert int(opt[tuple(v - 1 for v in res.witness)]) == res.opt


@pytest.mark.parametrize("fam", [Family(3, (1, 1), 2), Family(5, (0, 2), 3),
                                 Family(6, (0, 1, 2), 3)], ids=lambda f: f.label)
def test_value_is_exact(fam):
    """G(value) holds and G of anything smaller fails (the policy space is finite, so a
    ratio a hair below the value must already fail)."""
    opt = opt_table(fam)
    res = game_value(fam, opt)
    assert guarantee(fam, res.value, opt) is not None
    assert guarantee(fam, res.value - Fraction(1, 10**6), opt) is None


def _leaves(node):
    if node.get("leaf"):
        yield node
    else:
        for ch in node["children"]:
            yield from _leaves(ch["node"])


@pytest.mark.parametrize("fam", [Family(3, (1, 1), 2), Family(6, (0, 1, 2), 3)],
                         ids=lambda f: f.label)
def test_decision_tree_replays(fam):
    """One leaf per o-vector; each leaf's cost is what replaying the policy on that o costs
    (schedule checked by kvsched.check inside play), and the worst leaf is the value."""
    res = game_value(fam)
    tree = decision_tree(res)
    leaves = list(_leaves(tree))
    assert sorted(tuple(l["o"]) for l in leaves) == sorted(fam.vectors())
    for l in leaves:
        cost, _ = play(fam, res.policy, tuple(l["o"]))
        assert cost == l["cost"]
        assert Fraction(l["ratio_exact"]) == Fraction(l["cost"], l["opt"])
    assert max(Fraction(l["ratio_exact"]) for l in leaves) == res.value


def test_smallest_interesting_family_value():
    """Two jobs that never fit together, o in {1, 2}: 5/4 (docs/game.md)."""
    assert game_value(Family(3, (1, 1), 2)).value == Fraction(5, 4)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "kvsched_cli.cli", *args],
                          capture_output=True, text=True, timeout=120)


def test_cli_game_json_and_tree(tmp_path):
    png = tmp_path / "tree.png"
    r = _cli("game", "--M", "3", "--s", "1,1", "--L", "2", "--json", "--tree", str(png))
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["value_exact"] == "5/4" and d["kind"] == "kvsched-game-value"
    assert Fraction(d["gsa"]["ratio_exact"]) >= Fraction(d["value_exact"])
    assert png.exists() and png.stat().st_size > 1000
    saved = json.loads((tmp_path / "tree.png.json").read_text())
    assert saved["tree"]["children"]


@pytest.mark.parametrize("args,needle", [
    (["--M", "3", "--s", "1,x", "--L", "2"], "--s"),
    (["--M", "3", "--s", "3", "--L", "2"], "job 0"),
    (["--M", "3", "--s", "1"], "--L"),
    (["--M", "3", "--s", "0", "--L", "0"], "L = 0"),
])
def test_cli_game_bad_input(args, needle):
    r = _cli("game", *args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kvsched: error:") and needle in lines[0], r.stderr
