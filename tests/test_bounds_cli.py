"""`kvsched bounds`: the JSON shape (a verdict per chain, a status per lemma), --check on
user files (exit 0/1/2), the plot, points, and one-line errors."""
import json
import subprocess
import sys

import pytest

from bounds.status import STATUSES
from kvsched_cli.cli import main

KEYS = {"chain", "algorithm", "regime", "about", "verdict", "verdict_kind", "expression",
        "alpha_star", "value", "published", "lemmas", "status_counts", "theorem"}
MAIN = [("gsa", "general"), ("gsa", "large"), ("gba", "general"), ("gba", "large")]


def test_json_symbolic_only(capsys):
    assert main(["bounds", "--json", "--symbolic"]) == 0
    recs = json.loads(capsys.readouterr().out)
    assert [(r["algorithm"], r["regime"]) for r in recs[:4]] == MAIN
    assert [r["chain"] for r in recs[:4]] == ["gsa-general", "gsa-large", "gba-general",
                                              "gba-large"]
    for r in recs:
        assert KEYS <= set(r)
        assert r["verdict_kind"] in ("PROVED", "REFUTED", "BROKEN", "CONDITIONAL")
        for l in r["lemmas"]:
            assert {"name", "statement", "constant", "establishment", "status",
                    "status_reason", "algebra", "empirical"} <= set(l)
            assert l["status"] in STATUSES
            assert l["empirical"] is None
    for r in recs[:4]:
        assert r["matches_published"] and r["unique_minimum"]
        # with no instance evidence nothing is checked: the assumptions keep it open (the
        # integer budgets are decided exactly even so, and can break a chain)
        assert r["verdict_kind"] in ("CONDITIONAL", "BROKEN") and "CONDITIONAL ON" in r["verdict"]
        on_time = next(l for l in r["lemmas"] if "-on-time-" in l["name"] and l["role"] == "factor")
        assert on_time["status"] == "assumed" and on_time["name"] in r["verdict"]
    by = {r["chain"]: r for r in recs}
    assert by["gba-large"]["alpha_star"] == "3" and by["gba-large"]["value"] == "27/4"
    assert by["gsa-large"]["value"] == "32"
    assert "no round cap" in by["gba-general"]["about"]
    assert "round-robin" in by["gsa-general"]["about"]


def test_table_output(capsys):
    assert main(["bounds", "--symbolic"]) == 0
    out = capsys.readouterr().out
    assert "6.75" in out and "61.92" in out and "geometric-interval" in out
    assert "CONDITIONAL ON" in out and "holds" not in out


def test_verdict_lines(capsys):
    assert main(["bounds", "--symbolic", "--verdicts"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("- **GSA general <= 61.92**") and len(lines) >= 4
    assert lines[3].startswith("- **GBA large <= 6.75**") and "CONDITIONAL ON" in lines[3]


def _write(tmp_path, name, obj):
    p = tmp_path / name
    p.write_text(json.dumps(obj))
    return p


def test_check_files_exit_codes(tmp_path, capsys):
    """A violating file exits 1 and names the violated lemma; the G6' counterexample file
    violates gba-round-2tau; a file on which nothing is violated exits 0."""
    from bounds.evidence import EVIDENCE_DIR
    g6 = EVIDENCE_DIR / "gba-g6-prime-a8.json"
    assert main(["bounds", "--check", str(g6), "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    bad = {(r["chain"], r["lemma"]) for r in rows if r["violated"]}
    assert ("gba-general", "gba-round-2tau") in bad
    assert all({"file", "chain", "lemma", "label", "slack"} <= set(r) for r in rows)
    # one tiny job: every lemma holds (slack >= 0), so exit 0
    one = _write(tmp_path, "one.json", {"M": 5, "jobs": [{"s": 0, "o": 1}]})
    assert main(["bounds", "--check", str(one)]) == 0
    out = capsys.readouterr().out
    assert "no lemma violated" in out


@pytest.mark.parametrize("content, msg", [
    ("{not json", "not JSON"),
    (json.dumps({"foo": 1}), "no instance in this file"),
    (json.dumps({"M": 3, "jobs": [{"s": 3, "o": 1}]}), "job"),
])
def test_check_bad_files_one_line_exit_2(tmp_path, capsys, content, msg):
    p = tmp_path / "bad.json"
    p.write_text(content)
    assert main(["bounds", "--check", str(p)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and msg in err[0] and "bad.json" in err[0]


def test_check_directory_and_missing_file(tmp_path, capsys):
    assert main(["bounds", "--check", str(tmp_path)]) == 2
    assert "directory" in capsys.readouterr().err
    assert main(["bounds", "--check", str(tmp_path / "nope.json")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_plot_with_points(tmp_path, capsys):
    png = tmp_path / "r.png"
    pts = tmp_path / "pts.json"
    pts.write_text(json.dumps([{"algorithm": "gsa", "regime": "general", "alpha": 2.3,
                                "ratio": 12.5, "label": "certified"},
                               {"algorithm": "gba", "regime": "large", "alpha": 3,
                                "ratio": 2.0, "ratio_label": "estimate"}]))
    assert main(["bounds", "--symbolic", "--plot", str(png), "--points", str(pts)]) == 0
    assert png.exists() and png.stat().st_size > 10_000


def test_error_one_line_exit_2_subprocess(tmp_path):
    r = subprocess.run([sys.executable, "-m", "kvsched_cli", "bounds", "--symbolic", "--plot",
                        "x.png", "--points", "/nonexistent/p.json"], capture_output=True,
                       text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot read points" in lines[0] and "Traceback" not in r.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("args, msg", [
    (["--points", "nope.json"], "--points needs --plot"),
    (["--random", "-1"], "must be >= 0"),
    (["--symbolic", "--plot", "x.png", "--points", "BAD"], "missing ['ratio']"),
])
def test_errors_exit_2(tmp_path, monkeypatch, capsys, args, msg):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "BAD").write_text(json.dumps([{"algorithm": "gsa", "regime": "large",
                                               "alpha": 2}]))
    try:
        code = main(["bounds", *args])
    except SystemExit as e:           # argparse's own checks exit with 2 as well
        code = e.code
    assert code == 2
    err = [x for x in capsys.readouterr().err.strip().splitlines() if x.strip()]
    assert msg in err[-1] and not any("Traceback" in x for x in err)


def test_update_doc_rewrites_only_the_generated_blocks(tmp_path, capsys):
    from bounds.report import BEGIN, END, VBEGIN, VEND
    doc = tmp_path / "a.md"
    doc.write_text(f"# head\nkeep me\n{VBEGIN}\nold verdicts\n{VEND}\nmid\n{BEGIN}\nold table\n"
                   f"{END}\ntail\n")
    assert main(["bounds", "--symbolic", "--update-doc", str(doc)]) == 0
    capsys.readouterr()
    text = doc.read_text()
    assert text.startswith("# head\nkeep me\n") and text.endswith(f"{END}\ntail\n")
    assert "old table" not in text and "old verdicts" not in text
    assert "| gba-count |" in text and "**GBA large <= 6.75**" in text
    assert "kvsched bounds --symbolic --update-doc" in text
    bad = tmp_path / "b.md"
    bad.write_text("no markers\n")
    assert main(["bounds", "--symbolic", "--update-doc", str(bad)]) == 2
    assert "no generated block" in capsys.readouterr().err
    only_verdicts = tmp_path / "c.md"
    only_verdicts.write_text(f"top\n{VBEGIN}\nold\n{VEND}\nbottom\n")
    assert main(["bounds", "--symbolic", "--update-doc", str(only_verdicts)]) == 0
    text = only_verdicts.read_text()
    assert "old" not in text and "**GBA large <= 6.75**" in text and text.endswith("bottom\n")


def test_readme_states_the_verdicts_the_ledger_computes():
    """The README's verdict block is the ledger's output on the committed evidence: a saved
    result that changes a verdict must come with `kvsched bounds --update-doc README.md`."""
    from pathlib import Path

    from bounds.ledger import ledger     # (the package-level bounds.ledger is shadowed by
    from bounds.report import VBEGIN, VEND, verdict_lines   # the submodule once imported)
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    block = readme.split(VBEGIN, 1)[1].split(VEND, 1)[0].strip()
    assert block == "\n".join(verdict_lines(ledger(out_dir=None), main_only=False))
