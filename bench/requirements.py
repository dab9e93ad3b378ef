"""Installs what bench/run needs, when a pin is missing; a second run only checks.

  scripts/requirements/bench.txt  into this venv: the engines use it (DuckDB)
  scripts/requirements/chart.txt  into VENV/chart-packages, outside the engines' path:
                                  only the runner, drawing the chart, imports from it
  scripts/requirements/dataframes.txt
                                  into VENV/dataframe-packages, also apart: pandas and
                                  polars, for the Python package's tests and the
                                  to-pandas workload (which put it on their path)

scripts/setup.sh runs this, and bench/run does too (for venvs made before the benchmark
needed these packages).
"""
import importlib.metadata
import pathlib
import subprocess
import sys

REQUIREMENTS = pathlib.Path(__file__).resolve().parent.parent / "scripts/requirements"
CHART_PACKAGES = pathlib.Path(sys.prefix) / "chart-packages"
DATAFRAME_PACKAGES = pathlib.Path(sys.prefix) / "dataframe-packages"


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
    for requirements, folder in ((REQUIREMENTS / "chart.txt", CHART_PACKAGES),
                                 (REQUIREMENTS / "dataframes.txt", DATAFRAME_PACKAGES)):
        missing = _missing(requirements, [str(folder)])
        if missing:
            _install(requirements, missing, "--upgrade", "--target", str(folder))


if __name__ == "__main__":
    ensure()
