"""The layering of the packages (README, Layout): every import points from a higher layer to
a lower one, or stays inside its own package, and no two modules import each other (even
lazily, inside a function).

    kvsched_cli  (the `kvsched` command, `kvsched verify`)
        |
    adversary    (worst-case, exhaustive and game search)
        |
    bounds       (symbolic lemmas, the ledger)
        |
    lp           (exact optima and LP bounds)
        |
    kvsched      (model, checker, algorithms, loaders)
"""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

REPO = Path(__file__).resolve().parent.parent
LAYERS = {"kvsched": 0, "lp": 1, "bounds": 2, "adversary": 3, "kvsched_cli": 4}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of the project modules ``path`` imports, anywhere in the file;
    string targets of importlib (``"pkg.mod:func"`` in ``SECTIONS``) count too."""
    tree = ast.parse(path.read_text(), str(path))
    me = _module_name(path)
    pkg = me if path.name == "__init__.py" else me.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and ":" in node.value and node.value.split(".")[0] in LAYERS:
            out.add(node.value.split(":")[0])
    return {m for m in out if m.split(".")[0] in LAYERS}


def _project_modules() -> dict[str, Path]:
    mods = {}
    for top in LAYERS:
        for p in (REPO / top).rglob("*.py") if (REPO / top).is_dir() else []:
            mods[_module_name(p)] = p
    return mods


def _graph() -> nx.DiGraph:
    mods = _project_modules()
    g = nx.DiGraph()
    for name, path in mods.items():
        g.add_node(name)
        for target in _imports(path):
            # "pkg.mod.attr" -> the longest prefix that is a module
            while target not in mods and "." in target:
                target = target.rpartition(".")[0]
            if target in mods and target != name:
                g.add_edge(name, target)
    return g


def test_every_import_points_down_or_stays_in_its_package():
    up = [(a, b) for a, b in _graph().edges
          if LAYERS[b.split(".")[0]] > LAYERS[a.split(".")[0]]]
    assert up == [], f"imports from a lower layer up to a higher one: {up}"


def test_no_two_modules_import_each_other():
    g = _graph()
    # a package's __init__ re-exporting its modules is not a cycle of concerns
    g.remove_edges_from([(a, b) for a, b in list(g.edges) if b.startswith(a + ".")])
    cycles = list(nx.simple_cycles(g))
    assert cycles == [], f"import cycles: {cycles[:5]}"


def test_the_checker_finds_an_upward_import(tmp_path, monkeypatch):
    """The test above can fail: a fake lower-layer module importing a higher one is seen."""
    src = tmp_path / "kvsched" / "bad.py"
    src.parent.mkdir()
    src.write_text("def f():\n    from bounds import ledger\n")
    monkeypatch.setattr(__import__(__name__), "REPO", tmp_path)
    assert "bounds.ledger" in _imports(src) or "bounds" in _imports(src)
