"""The results: one table on the terminal, results.json, and chart.png.

A result is one workload run by one engine: its times and peak memory over the
repetitions, or why it has no numbers ("n/a (not implemented yet)", "failed: ...").
Ratios divide an engine's median wall time by deltalake's and by the floor's on the same
workload: below 1 is faster.
"""
import dataclasses
import json
import pathlib
import statistics
import sys

import requirements

DELTALAKE = "deltalake"
FLOOR = "floor"


@dataclasses.dataclass
class Result:
    workload: str  # workload key
    engine: str  # engine key
    status: str  # "ok", "n/a" or "failed"
    reason: str = ""  # why n/a or failed
    walls: list[float] = dataclasses.field(default_factory=list)  # seconds, one per run
    peak_rss_mib: list[float] = dataclasses.field(default_factory=list)
    cpu_seconds: list[float] = dataclasses.field(default_factory=list)  # user + system
    count: int | None = None  # the checked result: live files, rows or a version

    @property
    def median(self) -> float:
        return statistics.median(self.walls)


def ratio(result: Result, baseline: Result | None) -> float | None:
    if baseline is None or baseline.status != "ok" or result.status != "ok":
        return None
    return result.median / baseline.median


def _seconds(value: float) -> str:
    return f"{value:.3f}" if value < 100 else f"{value:.1f}"


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def format_table(workloads, engines, results: dict) -> str:
    """The results table: a heading line per workload, then one line per engine."""
    header = (f"{'engine':<22} {'median s':>9} {'min-max s':>15} {'peak RSS':>10} "
              f"{'vs deltalake':>12} {'vs floor':>9}")
    lines = [header, "-" * len(header)]
    for workload in workloads:
        by_engine = results[workload.key]
        lines.append(f"{workload.title}  [{workload.about}]")
        for engine in engines:
            result = by_engine.get(engine.key)
            if result is None:
                continue
            if result.status != "ok":
                shown = "n/a" if result.status == "n/a" else "FAILED"
                lines.append(f"  {engine.name:<20} {shown} ({result.reason})")
                continue
            lines.append(
                f"  {engine.name:<20} {_seconds(result.median):>9} "
                f"{_seconds(min(result.walls)) + '-' + _seconds(max(result.walls)):>15} "
                f"{max(result.peak_rss_mib):>6.0f} MiB "
                f"{_times(ratio(result, by_engine.get(DELTALAKE))):>12} "
                f"{_times(ratio(result, by_engine.get(FLOOR))):>9}")
    return "\n".join(lines)


def write_json(path: pathlib.Path, run_info: dict, workloads, engines, results: dict):
    """results.json: the run's settings and machine, then every result with its raw
    runs, so that another tool can redo any summary."""
    entries = []
    for workload in workloads:
        by_engine = results[workload.key]
        for engine in engines:
            result = by_engine.get(engine.key)
            if result is None:
                continue
            entry = {"workload": workload.key, "workload_title": workload.title,
                     "about": workload.about, "engine": engine.key,
                     "engine_name": engine.name, **dataclasses.asdict(result)}
            if result.status == "ok":
                entry.update(
                    median_s=result.median, min_s=min(result.walls),
                    max_s=max(result.walls), max_peak_rss_mib=max(result.peak_rss_mib),
                    vs_deltalake=ratio(result, by_engine.get(DELTALAKE)),
                    vs_floor=ratio(result, by_engine.get(FLOOR)))
            entries.append(entry)
    document = {**run_info,
                "engines": [{"key": e.key, "name": e.name, "skipped": e.unavailable}
                            for e in engines],
                "results": entries}
    path.write_text(json.dumps(document, indent=2) + "\n")


def write_chart(path: pathlib.Path, title: str, workloads, engines, results: dict):
    """chart.png: one panel per workload, a bar per engine (median wall time, whiskers
    from the fastest to the slowest run), and the reason where an engine has no bar."""
    sys.path.append(str(requirements.CHART_PACKAGES))
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    shown = [e for e in engines if e.unavailable is None]
    colors = dict(zip([e.key for e in shown], plt.get_cmap("tab10").colors))
    columns = 3
    rows = -(-len(workloads) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(15, 2.1 * rows + 0.8),
                                squeeze=False)
    for axis in axes.flat[len(workloads):]:
        axis.set_visible(False)
    for axis, workload in zip(axes.flat, workloads):
        by_engine = results[workload.key]
        ran = [by_engine[e.key] for e in shown if by_engine[e.key].status == "ok"]
        longest = max((max(r.walls) for r in ran), default=1.0)
        for position, engine in enumerate(shown):
            result = by_engine[engine.key]
            if result.status == "ok":
                axis.barh(position, result.median, color=colors[engine.key],
                          xerr=[[result.median - min(result.walls)],
                                [max(result.walls) - result.median]],
                          error_kw={"ecolor": "dimgray", "elinewidth": 0.8}, capsize=2)
                axis.text(max(result.walls), position, f" {_seconds(result.median)}s",
                          va="center", fontsize=7)
            else:
                note = f" {'n/a' if result.status == 'n/a' else 'FAILED'}: {result.reason}"
                axis.text(0, position, note if len(note) < 60 else note[:57] + "...",
                          va="center", fontsize=6.5,
                          color="dimgray" if result.status == "n/a" else "red")
        axis.set_yticks(range(len(shown)), [e.name for e in shown], fontsize=7)
        axis.set_ylim(len(shown) - 0.5, -0.5)  # first engine on top, every row shown
        axis.set_xlim(0, longest * 1.35)
        axis.set_title(workload.title, fontsize=9)
        axis.tick_params(axis="x", labelsize=7)
    figure.suptitle(title, fontsize=10)
    figure.supxlabel("wall time, seconds (median; whiskers: min-max)", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
