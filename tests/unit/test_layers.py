"""The domain stays plain Python: the standard library and itself, nothing else (STYLE.md)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import armtrace.domain

DOMAIN = Path(armtrace.domain.__file__).parent


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module)
    return roots


def test_the_domain_imports_only_the_standard_library_and_itself() -> None:
    offenders = {}
    for path in DOMAIN.glob("*.py"):
        bad = {
            name
            for name in imported_roots(path)
            if not name.startswith("armtrace.domain") and name.split(".")[0] not in sys.stdlib_module_names
        }
        if bad:
            offenders[path.name] = sorted(bad)
    assert offenders == {}


def test_the_layer_check_would_see_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import sqlalchemy as sa\nfrom armtrace.store import tables\nimport json\n")
    assert imported_roots(sample) == {"sqlalchemy", "armtrace.store", "json"}
