"""The house holds together: the engine never imports Streamlit or the app, and its modules
import each other without cycles (module-level imports; lazy imports inside functions are
how the command line stays fast and are allowed)."""

from __future__ import annotations

import ast
import graphlib

from tests.conftest import ROOT

ENGINE = ROOT / "engine"


def _module_imports(path) -> set[str]:  # type: ignore[no-untyped-def]
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in tree.body:  # module level only
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.If):  # TYPE_CHECKING blocks do not run
            continue
    return found


def _engine_graph() -> dict[str, set[str]]:
    graph = {}
    for path in ENGINE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        graph[name] = {m for m in _module_imports(path) if m.startswith("engine.")}
    return graph


def test_the_engine_never_imports_streamlit_or_the_app() -> None:
    for path in ENGINE.rglob("*.py"):
        text = path.read_text()
        assert "import streamlit" not in text and "from streamlit" not in text, path
        assert "from ui" not in text and "import ui" not in text, path


def test_engine_modules_import_each_other_without_cycles() -> None:
    graph = _engine_graph()
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError on a cycle


def test_the_vocabulary_enums_are_spelled_only_in_the_vocabulary_table() -> None:
    """No module repeats the contract's code lists: they come from rules/vocabulary.yaml."""
    for path in [*ENGINE.rglob("*.py"), *(ROOT / "ui").rglob("*.py"), ROOT / "tests" / "strategies.py",
                 ROOT / "bench" / "run.py"]:
        text = path.read_text()
        for code in ("sacroiliac_joint", "wrap_around_sign", "elevated_tryptase", "t2_plain = "):
            if code in text and path.name != "test_layering.py":
                assert f'"{code}"' not in text and f"{code} = " not in text, (path, code)


def test_the_help_text_needs_no_heavy_import() -> None:
    """`marrowdx --help` stays fast: building the parser imports no pydantic, experta,
    SQLAlchemy or Streamlit."""
    import subprocess
    import sys

    heavy = "('pydantic', 'experta', 'sqlalchemy', 'streamlit')"
    code = ("import sys, engine.cli as c; c._parser(); "
            f"print(sorted(m for m in {heavy} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout
