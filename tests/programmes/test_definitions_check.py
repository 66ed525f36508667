"""`workflows check` (issue 12): every fault names the file with its folder and the line that writes
the value (the base file for an inherited one), and the check runs without the web app's config."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT
from webapp.programmes.loader import DefinitionError, check, display_name, load_all, load_file


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", target)
    return target


def _edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in the file; the line (1-based) it is on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_a_syntax_error_names_folder_file_line_and_column(tmp_path: Path):
    folder = _copy(tmp_path)
    path = folder / "ka210-sch/2026.yaml"
    line = _edit(path, "min_countries: 2", "min_countries: [2")
    with pytest.raises(DefinitionError) as raised:
        load_all(folder)
    message = str(raised.value)
    found = re.search(r"^workflows/ka210-sch/2026\.yaml: line (\d+), column (\d+): not valid YAML \(", message, re.M)
    assert found, message
    assert int(found.group(1)) >= line  # the parser notices the unclosed bracket at or after it
    # The 2027 file extends the broken one: the same fault, said once.
    assert message.count("not valid YAML") == 1, message


def test_a_file_is_named_from_the_repository():
    assert display_name(ROOT / "workflows/ka210-sch/2026.yaml") == "workflows/ka210-sch/2026.yaml"


def test_a_fault_inherited_through_extends_names_the_base_file_and_its_line(tmp_path: Path):
    folder = _copy(tmp_path)
    base = folder / "ka210-sch/2026.yaml"
    line = _edit(base, "min_countries: 2", "min_countries: two")
    assert "min_countries" not in (folder / "ka210-sch/2027.yaml").read_text()  # 2027 takes it from 2026
    with pytest.raises(DefinitionError) as raised:
        load_file(folder / "ka210-sch/2027.yaml", root=folder)
    message = str(raised.value)
    assert re.search(
        rf"^workflows/ka210-sch/2026\.yaml: line {line}, eligibility\.partnership\.min_countries: .*"
        r"\(through workflows/ka210-sch/2027\.yaml\)$",
        message,
        re.M,
    ), message
    assert not message.startswith("workflows/ka210-sch/2027.yaml"), message


def test_a_fault_inherited_through_a_chain_names_the_file_that_writes_it(tmp_path: Path):
    """npj-development/2027 extends npj-development/2026, which extends npj-mobility/2026 (which
    writes the stage checks both inherit)."""
    folder = _copy(tmp_path)
    line = _edit(
        folder / "npj-mobility/2026.yaml",
        "partners: [partnership, organisation_roles]",
        "partners: [telepathy, organisation_roles]",
    )
    with pytest.raises(DefinitionError) as raised:
        load_all(folder)
    faults = [str(f) for f in raised.value.faults]
    assert faults == [
        f"workflows/npj-mobility/2026.yaml: line {line}, stage_checks.partners: names unknown checks ['telepathy']"
    ], faults  # said once, not again for every file inheriting it
    _, seen_through = check(folder)
    assert [f.file for f in seen_through] == ["workflows/npj-mobility/2026.yaml"]


def test_every_fault_has_its_own_line(tmp_path: Path):
    folder = _copy(tmp_path)
    _edit(folder / "ka210-sch/2026.yaml", "min_countries: 2", "min_countries: two")
    _edit(folder / "ka220-sch/2026.yaml", "timezone: Europe/Brussels", "timezone: Mars/Olympus")
    _, faults = check(folder)
    files = sorted({f.file for f in faults})
    assert files == ["workflows/ka210-sch/2026.yaml", "workflows/ka220-sch/2026.yaml"], [str(f) for f in faults]
    assert all("\n" not in str(f) and re.match(r"workflows/[\w-]+/2026\.yaml: line \d+, ", str(f)) for f in faults)


def _isolated_env(tmp_path: Path, folder: Path | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTPATH_")}
    if folder is not None:
        env["GRANTPATH_WORKFLOWS_DIR"] = str(folder)
    return env


def _run_check(tmp_path: Path, *args: str, folder: Path | None = None) -> subprocess.CompletedProcess:
    """The check as a separate process, from a folder holding no instance/secret_key."""
    assert not (tmp_path / "instance").exists()
    return subprocess.run(
        [sys.executable, "-m", "webapp.programmes.check", *args],
        cwd=tmp_path,
        env={**_isolated_env(tmp_path, folder), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_check_runs_without_a_secret_key_and_names_each_fault(tmp_path: Path):
    folder = _copy(tmp_path)
    _edit(folder / "ka210-sch/2026.yaml", "min_countries: 2", "min_countries: [2")
    _edit(folder / "ka220-sch/2026.yaml", "timezone: Europe/Brussels", "timezone: Mars/Olympus")
    for result in (_run_check(tmp_path, "--workflows", str(folder)), _run_check(tmp_path, folder=folder)):
        assert result.returncode == 1, result.stderr
        faults = result.stderr.splitlines()
        assert len(faults) == 2, result.stderr
        assert re.match(
            r"workflows/ka220-sch/2026\.yaml: line \d+, call_rounds\.0\.timezone: .*Mars/Olympus", faults[1]
        )
        assert re.match(r"workflows/ka210-sch/2026\.yaml: line \d+, column \d+: not valid YAML", faults[0])
        assert "secret key" not in result.stderr.lower() and "Traceback" not in result.stderr
        assert "2 faults" in result.stdout


def test_the_check_passes_on_the_real_definitions(tmp_path: Path):
    result = _run_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "KA210-SCH" in result.stdout and "2027" in result.stdout
