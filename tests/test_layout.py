"""The stages' order: no module of a stage imports a later stage (bench/ and tests/ may import anything)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("ingest", "index", "assistant", "evals")


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports, at module level or inside a function (relative imports skipped:
    they stay in the module's own package)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def later_imports(root: Path = ROOT) -> list[str]:
    """Every import of a later stage than the module's own, as "module imports stage"."""
    found = []
    for rank, stage in enumerate(STAGES):
        later = set(STAGES[rank + 1 :])
        for path in sorted((root / stage).rglob("*.py")):
            for name in sorted(imported(path) & later):
                found.append(f"{path.relative_to(root)} imports {name}")
    return found


def test_no_stage_imports_a_later_one():
    assert later_imports() == []


def test_the_check_sees_imports_inside_functions(tmp_path):
    (tmp_path / "assistant").mkdir()
    (tmp_path / "assistant" / "cli.py").write_text("def run():\n    from evals.cli import run_from_cli\n")
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "search.py").write_text("import assistant.engine as engine\nfrom ingest import store\n")
    assert later_imports(tmp_path) == ["index/search.py imports assistant", "assistant/cli.py imports evals"]
