"""The shape the architecture promises (docs/architecture.md), checked on the source itself."""

from __future__ import annotations

import ast
import re

from support import ROOT
from webapp.auth.models import Role
from webapp.lifecycle import Stage, Status

FEATURES = {
    "activity",
    "admin",
    "applications",
    "auth",
    "chooser",
    "annexes",
    "budgets",
    "directory",
    "documents",
    "docx",
    "home",
    "lifecycle",
    "organisations",
    "partners",
    "pdf",
    "portfolio",
    "programmes",
    "sections",
    "demo",
    "cli",
    "models",
}


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield node.level, node.module or ""
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield 0, alias.name


def test_core_imports_no_feature():
    for path in (ROOT / "webapp/core").glob("*.py"):
        for level, module in _imports(path):
            top = module.split(".")[0] if level == 2 else (module.split(".")[1] if module.startswith("webapp.") else "")
            assert top not in FEATURES, f"{path.name} imports {module}"


def test_the_lifecycle_imports_no_feature_either():
    for path in (ROOT / "webapp/lifecycle").glob("*.py"):
        for level, module in _imports(path):
            top = module.split(".")[0] if level == 2 else ""
            assert top in ("", "core"), f"{path.name} imports {module}"


def _views_and_templates():
    yield from (ROOT / "webapp").rglob("views.py")
    yield from (ROOT / "templates").rglob("*.html")


def test_no_view_or_template_names_a_status_a_stage_or_a_role():
    """They ask the lifecycle's flags and can(); a literal 'draft' or 'principal' is a rule in the wrong place."""
    names = {s.value for s in Status} | {s.value for s in Stage} | {r.value for r in Role}
    literal = r"""(['"])(?:""" + "|".join(sorted(names)) + r""")\1"""
    # compared (==, !=, in, not in), tested in a tuple, or used as a key: status_labels['draft']
    pattern = re.compile(rf"(?:==|!=|\bin\b)\s*[\(\[]?\s*{literal}|{literal}\s*(?:==|!=|\bin\b)|\[\s*{literal}\s*\]")
    found = []
    for path in _views_and_templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in pattern.finditer(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
            if re.search(r"(?:==|!=|\bin\b)\s*\(?\s*(?:Status|Stage)\.", line):
                found.append(f"{path.relative_to(ROOT)}:{number}: compares a status or stage")
            if re.search(r"\.roles\b|school_ids\(|roles_in\(|Role\.", line):
                found.append(f"{path.relative_to(ROOT)}:{number}: asks for a role")
    assert not found, "\n".join(found)


def test_no_module_is_over_400_lines():
    long = [
        f"{p.relative_to(ROOT)}: {n}"
        for p in (ROOT / "webapp").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    ]
    assert not long, long
