"""``python -m bench [--quick] [--only NAME ...]``: run every bench module present, print, write results.

Each section runs in its own child process, so peak-memory figures are the section's own
and a crash in one section is reported without losing the others. The full run writes
bench/RESULTS.md; ``--quick`` (the CI smoke test) and ``--only`` write to bench/out/ instead.
Exit status 1 when a section failed to run; a figure that misses its goal is reported, not fatal.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import Row
from bench.report import Section, load_average, markdown, print_table, run_info

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
SECTION_TIMEOUT = 3 * 3600

# (module, title), in the order of the issue; a module not written yet is skipped with a note.
SECTIONS = (
    ("turns", "1. Turn overhead"),
    ("startup", "2. Start-up"),
    ("weekly", "3. Weekly plans"),
    ("tracing", "4. Tracing overhead"),
    ("learning", "5. Learning efficiency (simulated learners)"),
    ("llm", "6. LLM economy"),
    ("memory", "7. Memory"),
)


def present(name: str) -> bool:
    return (BENCH_DIR / f"{name}.py").is_file()


def normalise(row: dict[str, Any]) -> Row:
    """Every row with every key, whatever a module left out."""
    return {"name": str(row["name"]), "value": row["value"], "unit": str(row.get("unit", "")),
            "goal": row.get("goal"), "ok": row.get("ok"), "detail": str(row.get("detail") or "")}


def run_section(name: str, title: str, quick: bool) -> Section:
    """Run one module's ``run(quick)`` in a child process and collect its rows."""
    if not present(name):
        return Section(name, title, note=f"not measured yet: bench/{name}.py is not there")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="skillcoach-bench-rows-") as tmp:
        out = Path(tmp) / "rows.json"
        command = [sys.executable, "-m", "bench", "--child", name, "--rows", str(out)] + (["--quick"] if quick else [])
        try:
            done = subprocess.run(command, cwd=REPO_ROOT, timeout=SECTION_TIMEOUT)
        except subprocess.TimeoutExpired:
            return Section(name, title, note=f"FAILED: timed out after {SECTION_TIMEOUT} s")
        seconds = time.perf_counter() - started
        if done.returncode != 0 or not out.exists():
            return Section(name, title, note=f"FAILED: bench/{name}.py exited {done.returncode} (see its output above)",
                           seconds=seconds)
        rows = [normalise(r) for r in json.loads(out.read_text())]
    return Section(name, title, rows=rows, seconds=seconds)


def child(name: str, rows_file: str, quick: bool) -> None:
    module = importlib.import_module(f"bench.{name}")
    Path(rows_file).write_text(json.dumps(module.run(quick), default=str))


def destination(quick: bool, only: list[str] | None) -> Path:
    if quick:
        return OUT_DIR / "RESULTS-quick.md"
    return OUT_DIR / "RESULTS-partial.md" if only else BENCH_DIR / "RESULTS.md"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of seconds (CI); writes bench/out/")
    parser.add_argument("--only", nargs="+", choices=[name for name, _ in SECTIONS], help="run these sections only")
    parser.add_argument("--json", type=Path, help="also write every section's rows to this JSON file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--rows", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_and_say(name: str, title: str, quick: bool) -> Section:
    print(f"-- {title}", flush=True)
    section = run_section(name, title, quick)
    print(f"   {section.note or f'{len(section.rows)} figures'} ({section.seconds:.0f} s)", flush=True)
    return section


def write_outputs(sections: list[Section], about: dict[str, str], args: argparse.Namespace) -> None:
    command = " ".join(["python -m bench", *(["--quick"] if args.quick else []),
                        *(["--only", *args.only] if args.only else [])])
    target = destination(args.quick, args.only)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(markdown(sections, about, command))
    print(f"Wrote {target.relative_to(REPO_ROOT)}")
    if args.json:
        args.json.write_text(json.dumps([asdict(s) for s in sections], indent=1, default=str))


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.child:
        child(args.child, args.rows, args.quick)
        return 0
    about = run_info()
    sections = [run_and_say(name, title, args.quick) for name, title in SECTIONS if not args.only or name in args.only]
    print_table(sections)
    about["load average at the end (1, 5, 15 min)"] = load_average()
    write_outputs(sections, about, args)
    return 1 if any(s.note.startswith("FAILED") for s in sections) else 0


if __name__ == "__main__":
    sys.exit(main())
