"""The code stays ruff-clean (the rules are in pyproject.toml)."""

from pathlib import Path
import subprocess
import sys


REPO = Path(__file__).parent.parent
RUFF = str(Path(sys.executable).with_name("ruff"))


def test_ruff_check():
    result = subprocess.run([RUFF, "check", "src", "tests", "benchmarks"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_ruff_format():
    result = subprocess.run(
        [RUFF, "format", "--check", "src", "tests", "benchmarks"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
