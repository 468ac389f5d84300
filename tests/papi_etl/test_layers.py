"""The layers hold by machine: papi_etl/ imports neither Prefect nor Great Expectations."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_DOMAIN = ("prefect", "great_expectations")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_the_domain_library_imports_no_orchestrator_and_no_gx():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted((ROOT / "papi_etl").rglob("*.py"))
        for line, name in _imports(path)
        if name.split(".")[0] in FORBIDDEN_IN_DOMAIN
    ]
    assert offenders == []


SEED = "plans/documents/ke-hoach-461-KH-UBND-binh-tan-2018.txt"


@pytest.mark.parametrize(
    "command",
    [
        ["--help"],
        ["plan", "show"],
        ["calendar"],
        ["plan", "import", SEED, "-o", "{tmp}/draft.yaml"],
    ],
)
def test_plain_commands_start_without_loading_prefect_or_gx(command, tmp_path):
    command = [part.replace("{tmp}", str(tmp_path)) for part in command]
    probe = (
        "import sys\n"
        "from papi_etl.cli.main import app\n"
        "try:\n"
        f"    app({command!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in ('prefect', 'great_expectations') if m in sys.modules]\n"
        "print('LOADED', loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip().endswith("LOADED []")
