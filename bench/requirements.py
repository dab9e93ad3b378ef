"""Installs what bench/run needs, when a pin is missing; a second run only checks.

  scripts/requirements/bench.txt  into this venv: the engines use it (DuckDB)
  scripts/requirements/chart.txt  into VENV/chart-packages, outside the engines' path:
                                  only the runner, drawing the chart, imports from it

scripts/setup.sh runs this, and bench/run does too (for venvs made before the benchmark
needed these packages).
"""
import importlib.metadata
import pathlib
import subprocess
import sys

REQUIREMENTS = pathlib.Path(__file__).resolve().parent.parent / "scripts/requirements"
CHART_PACKAGES = pathlib.Path(sys.prefix) / "chart-packages"


def _pins(requirements: pathlib.Path) -> list[tuple[str, str]]:
    pins = []
    for line in requirements.read_text().splitlines():
        requirement = line.split("#")[0].strip()
        if requirement:
            name, _, version = requirement.partition("==")
            pins.append((name, version))
    return pins


def _missing(requirements: pathlib.Path, path: list[str]) -> list[str]:
    """The pins of a requirements file that the folders in `path` do not hold."""
    missing = []
    for name, version in _pins(requirements):
        installed = [d.version for d in importlib.metadata.distributions(name=name, path=path)]
        if version not in installed:
            missing.append(f"{name}=={version}")
    return missing


def _install(requirements: pathlib.Path, missing: list[str], *target: str):
    print(f"bench: installing {', '.join(missing)} ({requirements.name})", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "--disable-pip-version-check", *target, "-r", str(requirements)],
                   check=True)


def ensure():
    engines = REQUIREMENTS / "bench.txt"
    missing = _missing(engines, sys.path)
    if missing:
        _install(engines, missing)
    chart = REQUIREMENTS / "chart.txt"
    missing = _missing(chart, [str(CHART_PACKAGES)])
    if missing:
        _install(chart, missing, "--upgrade", "--target", str(CHART_PACKAGES))


if __name__ == "__main__":
    ensure()
