"""`kvsched bounds`: the JSON shape, the plot, points, and one-line errors."""
import json
import subprocess
import sys

import pytest

from kvsched_cli.cli import main

KEYS = {"algorithm", "regime", "expression", "alpha_star", "value", "published", "lemmas",
        "status_counts", "difference", "matches_published", "theorem_check"}


def test_json_symbolic_only(capsys):
    assert main(["bounds", "--json", "--empirical", "0"]) == 0
    recs = json.loads(capsys.readouterr().out)
    assert [(r["algorithm"], r["regime"]) for r in recs] == [
        ("gsa", "general"), ("gsa", "large"), ("gba", "general"), ("gba", "large")]
    for r in recs:
        assert KEYS <= set(r)
        assert r["matches_published"] and r["unique_minimum"]
        for l in r["lemmas"]:
            assert {"name", "statement", "constant", "establishment", "status", "algebra",
                    "empirical"} <= set(l)
            assert l["status"] in ("proved", "reduced", "assumed", "checked", "refuted")
            assert l["empirical"] is None
    by = {(r["algorithm"], r["regime"]): r for r in recs}
    assert by[("gba", "large")]["alpha_star"] == "3" and by[("gba", "large")]["value"] == "27/4"
    assert by[("gsa", "large")]["value"] == "32"


def test_json_with_empirical_and_plot(tmp_path, capsys):
    png = tmp_path / "r.png"
    pts = tmp_path / "pts.json"
    pts.write_text(json.dumps([{"algorithm": "gsa", "regime": "general", "alpha": 2.3,
                                "ratio": 12.5, "label": "certified"},
                               {"algorithm": "gba", "regime": "large", "alpha": 3,
                                "ratio": 2.0, "ratio_label": "estimate"}]))
    assert main(["bounds", "--json", "--empirical", "3", "--seed", "1", "--out",
                 str(tmp_path / "ref"), "--plot", str(png), "--points", str(pts)]) == 0
    recs = json.loads(capsys.readouterr().out)
    assert png.exists() and png.stat().st_size > 10_000
    for r in recs:
        assert r["empirical_params"]["seed"] == 1
        emp = [l["empirical"] for l in r["lemmas"] if l["empirical"] is not None]
        assert emp and all(e["instances"] >= 1 for e in emp)
        assert r["theorem_check"]["instances"] >= 1
        # the ratio behind the theorem's worst slack says whether it is certified
        assert r["theorem_check"]["worst_detail"].endswith(("(estimate)", "(certified)"))
        assert r["theorem_check"]["worst_basis"].startswith(("estimate", "certified"))


def test_table_output(capsys):
    assert main(["bounds", "--empirical", "0"]) == 0
    out = capsys.readouterr().out
    assert "6.75" in out and "61.92" in out and "geometric-interval" in out


def test_error_one_line_exit_2_subprocess(tmp_path):
    r = subprocess.run([sys.executable, "-m", "kvsched_cli", "bounds", "--plot", "x.png",
                        "--points", "/nonexistent/p.json"], capture_output=True, text=True,
                       cwd=tmp_path, timeout=300)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot read points" in lines[0] and "Traceback" not in r.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("args, msg", [
    (["--points", "nope.json"], "--points needs --plot"),
    (["--empirical", "-1"], "--empirical must be >= 0"),
    (["--plot", "x.png", "--points", "BAD"], "missing ['ratio']"),
])
def test_errors_exit_2(tmp_path, monkeypatch, capsys, args, msg):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "BAD").write_text(json.dumps([{"algorithm": "gsa", "regime": "large",
                                               "alpha": 2}]))
    assert main(["bounds", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and msg in err[0]


def test_verify_section_small():
    from bounds.verify_section import section
    t = section(0, True)
    assert t.ok
    assert len(t.rows) == 4
    cols = t.columns
    for row in t.records():
        counts = [row[c] for c in ("proved", "reduced", "assumed", "checked", "refuted")]
        assert sum(counts) >= 4
    assert "alpha*" in cols


def test_update_doc_rewrites_only_the_evidence_block(tmp_path, capsys):
    from bounds.report import BEGIN, END
    doc = tmp_path / "a.md"
    doc.write_text(f"# head\nkeep me\n{BEGIN}\nold table\n{END}\ntail\n")
    assert main(["bounds", "--empirical", "2", "--out", str(tmp_path / "r"),
                 "--update-doc", str(doc)]) == 0
    capsys.readouterr()
    text = doc.read_text()
    assert text.startswith("# head\nkeep me\n") and text.endswith(f"{END}\ntail\n")
    assert "old table" not in text and "| GBA large | gba-count |" in text
    assert "kvsched bounds --empirical 2 --seed 0" in text
    bad = tmp_path / "b.md"
    bad.write_text("no markers\n")
    assert main(["bounds", "--empirical", "0", "--update-doc", str(bad)]) == 2
    assert "no <!-- evidence:begin -->" in capsys.readouterr().err
