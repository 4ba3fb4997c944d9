#!/usr/bin/env python3
"""Allocation peers: `chanjiao allocate` against Python's `matching` library and a plain Python
deferred acceptance, on the same generated instances, in one script.

    cargo build --release --bin chanjiao
    pip install matching==1.4.3
    python3 benches/allocation_peers.py [--sizes 1000,10000,30000,100000] [--prefs 10] [--seed 8] [--budget 300]

Instances are generated as in benches/allocation.rs (the same recipe, Python's own random
numbers): places = students / 20, each student lists `--prefs` distinct places drawn with weight
1 / (p + 1)^0.7, capacities uniform in 1..=39 (about one seat per student), and each place ranks
every student who lists it by 0.5 * merit + 0.5 * noise. Each instance is written as instance
JSON and given to all three:

- chanjiao: `target/release/chanjiao allocate --instance F --out O` (student-proposing), run
  `--runs` times; its own `stats.elapsed_ms` (the mechanism alone) and the process's wall time
  (start-up, reading and parsing the JSON, the mechanism, writing the result);
- plain Python: student-proposing deferred acceptance with a rank dict and a heap per place; timed
  for the proposals alone and with building the rank dicts;
- matching 1.4.3 (`matching.games.HospitalResident`, resident-optimal): timed for `solve()` and
  for building the game from dictionaries.

The three assignments must be identical (the student-optimal stable matching is unique). A peer
is skipped at a size when its time, extrapolated from the previous sizes with the growth they
showed (at least linear), exceeds `--budget` seconds. Prints Markdown tables with the times and
the ratios peer / chanjiao.
"""

import argparse
import bisect
import heapq
import itertools
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def generate(students, places, prefs, seed):
    """Returns (student_prefs, place_prefs, capacities) with ids s<i> and p<j>, lists in order."""
    import random

    rng = random.Random(seed)
    cumulative = list(itertools.accumulate(1.0 / (p + 1) ** 0.7 for p in range(places)))
    total = cumulative[-1]
    mean_seats = max(students // places, 1)
    capacities = {f"p{p}": 1 + rng.randrange(2 * mean_seats - 1) for p in range(places)}
    merit = [rng.random() for _ in range(students)]
    applicants = [[] for _ in range(places)]
    student_prefs = {}
    for s in range(students):
        chosen = []
        while len(chosen) < prefs:
            p = min(bisect.bisect_right(cumulative, rng.random() * total), places - 1)
            if p not in chosen:
                chosen.append(p)
        for p in chosen:
            applicants[p].append((-(0.5 * merit[s] + 0.5 * rng.random()), s))
        student_prefs[f"s{s}"] = [f"p{p}" for p in chosen]
    place_prefs = {}
    for p, listed in enumerate(applicants):
        listed.sort()
        place_prefs[f"p{p}"] = [f"s{s}" for _, s in listed]
    return student_prefs, place_prefs, capacities


def instance_json(student_prefs, place_prefs, capacities):
    return {
        "students": [{"id": s, "prefs": prefs} for s, prefs in student_prefs.items()],
        "places": [{"id": p, "capacity": capacities[p], "prefs": prefs} for p, prefs in place_prefs.items()],
    }


def plain_deferred_acceptance(student_prefs, place_prefs, capacities):
    """Student-proposing deferred acceptance, the way one would write it in Python.

    Returns (assignment, seconds for the proposals, seconds including the rank dicts)."""
    started = time.perf_counter()
    rank = {p: {s: r for r, s in enumerate(listed)} for p, listed in place_prefs.items()}
    proposing = time.perf_counter()
    held = {p: [] for p in place_prefs}  # max-heap of (-rank, student) per place
    next_choice = dict.fromkeys(student_prefs, 0)
    free = list(reversed(list(student_prefs)))
    while free:
        s = free.pop()
        prefs = student_prefs[s]
        while next_choice[s] < len(prefs):
            p = prefs[next_choice[s]]
            next_choice[s] += 1
            r = rank[p].get(s)
            if r is None:
                continue
            heap = held[p]
            if len(heap) < capacities[p]:
                heapq.heappush(heap, (-r, s))
                break
            if -heap[0][0] > r:
                _, loser = heapq.heapreplace(heap, (-r, s))
                free.append(loser)
                break
    done = time.perf_counter()
    assignment = dict.fromkeys(student_prefs)
    for p, heap in held.items():
        for _, s in heap:
            assignment[s] = p
    return assignment, done - proposing, done - started


def matching_library(student_prefs, place_prefs, capacities):
    """The `matching` library's hospital–resident solver, resident-optimal.

    Its constructor deep-copies the whole graph of players recursively, which overflows Python's
    default recursion limit from about 10,000 students; it runs in a thread with a 4 GiB stack
    and no practical recursion limit instead. Returns (assignment, seconds for solve(), seconds
    for building the game)."""
    result = {}

    def work():
        try:
            result["value"] = _matching_library(student_prefs, place_prefs, capacities)
        except BaseException as error:  # re-raised in the caller's thread
            result["error"] = error

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000_000)
    threading.stack_size(4 << 30)
    try:
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(0)
        sys.setrecursionlimit(limit)
    if "error" in result:
        raise result["error"]
    return result["value"]


def _matching_library(student_prefs, place_prefs, capacities):
    from matching.games import HospitalResident

    started = time.perf_counter()
    game = HospitalResident.create_from_dictionaries(student_prefs, place_prefs, capacities, clean=True)
    built = time.perf_counter()
    solution = game.solve(optimal="resident")
    solved = time.perf_counter()
    assignment = dict.fromkeys(student_prefs)
    for place, residents in solution.items():
        for resident in residents:
            assignment[resident.name] = place.name
    return assignment, solved - built, built - started


def run_chanjiao(binary, path, runs):
    """Runs `chanjiao allocate`; returns (assignment, [elapsed_ms], [wall seconds])."""
    elapsed, walls, assignment = [], [], None
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "out.json")
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [binary, "allocate", "--instance", path, "--out", out, "--data-dir", scratch],
                check=True,
                stdout=subprocess.DEVNULL,
                env={**os.environ, "RUST_LOG": "warn"},
            )
            walls.append(time.perf_counter() - started)
            with open(out, encoding="utf-8") as f:
                result = json.load(f)
            elapsed.append(result["stats"]["elapsed_ms"])
            assignment = result["assignment"]
    return assignment, elapsed, walls


def fmt_ms(seconds):
    return "—" if seconds is None else f"{seconds * 1000:,.1f} ms"


def ratio(peer, ours):
    if peer is None:
        return "—"
    r = peer / ours
    return f"{r:,.1f}×" if r < 10 else f"{r:,.0f}×"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,30000,100000")
    parser.add_argument("--prefs", type=int, default=10)
    parser.add_argument("--students-per-place", type=int, default=20)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=300.0, help="seconds a peer may take at one size")
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "chanjiao"))
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} not found: run `cargo build --release --bin chanjiao` first")
    try:
        import matching

        library_version = matching.__version__
    except ImportError:
        sys.exit("the matching library is missing: pip install matching==1.4.3")

    rows = []
    history = {}  # peer -> [(students, seconds)] at the sizes it ran
    skipped = []
    for students in (int(s.replace("_", "")) for s in args.sizes.split(",")):
        places = max(students // args.students_per_place, args.prefs)
        started = time.perf_counter()
        student_prefs, place_prefs, capacities = generate(students, places, args.prefs, args.seed)
        print(f"{students:,} students: generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        with tempfile.TemporaryDirectory() as scratch:
            path = os.path.join(scratch, "instance.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(instance_json(student_prefs, place_prefs, capacities), f)
            size_mb = os.path.getsize(path) / 1e6
            ours, elapsed, walls = run_chanjiao(args.binary, path, args.runs)

        def affordable(peer):
            """Extrapolates from the last two sizes with the growth they showed (at least linear):
            the library's cost grows much faster than its input."""
            runs = history.get(peer, [])
            if not runs:
                return True
            n, seconds = runs[-1]
            exponent = 1.0
            if len(runs) > 1 and runs[-2][1] > 0:
                (n0, s0) = runs[-2]
                exponent = max(1.0, math.log(seconds / s0) / math.log(n / n0))
            predicted = seconds * (students / n) ** exponent
            if predicted > args.budget:
                print(f"  skipping {peer}: about {predicted:,.0f} s expected, budget {args.budget:,.0f} s", file=sys.stderr)
                skipped.append((students, peer, predicted))
                return False
            return True

        plain = library = None
        if affordable("plain"):
            assignment, proposals, total = plain_deferred_acceptance(student_prefs, place_prefs, capacities)
            assert assignment == ours, "plain Python and chanjiao disagree"
            plain = (proposals, total)
            history.setdefault("plain", []).append((students, total))
            print(f"  plain Python: {proposals:.2f} s ({total:.2f} s with rank dicts)", file=sys.stderr)
        if affordable("library"):
            assignment, solve, build = matching_library(student_prefs, place_prefs, capacities)
            assert assignment == ours, "the matching library and chanjiao disagree"
            library = (solve, build)
            history.setdefault("library", []).append((students, solve + build))
            print(f"  matching {library_version}: solve {solve:.2f} s, build {build:.2f} s", file=sys.stderr)
        matched = sum(1 for p in ours.values() if p is not None)
        rows.append((students, places, size_mb, matched, elapsed, walls, plain, library))

    print(f"### chanjiao allocate against Python peers (seed {args.seed}, {args.prefs} preferences each)")
    print()
    print(
        "| students | places | JSON | matched | chanjiao mechanism (median) | chanjiao process (median) "
        f"| plain Python DA | matching {library_version} solve() | plain / chanjiao | matching / chanjiao "
        "| same assignment |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for students, places, size_mb, matched, elapsed, walls, plain, library in rows:
        ours = statistics.median(elapsed) / 1000
        print(
            f"| {students:,} | {places:,} | {size_mb:.1f} MB | {matched:,} | {fmt_ms(ours)} "
            f"| {fmt_ms(statistics.median(walls))} | {fmt_ms(plain and plain[0])} | {fmt_ms(library and library[0])} "
            f"| {ratio(plain and plain[0], ours)} | {ratio(library and library[0], ours)} "
            f"| {'yes' if plain or library else '—'} |"
        )
    print()
    print("Whole runs, building included (Python: rank dicts or the game; chanjiao: the process, with")
    print("start-up, JSON parsing and writing the result):")
    print()
    print("| students | chanjiao process | plain Python, with rank dicts | matching, build + solve | plain / chanjiao | matching / chanjiao |")
    print("|---:|---:|---:|---:|---:|---:|")
    for students, _, _, _, _, walls, plain, library in rows:
        wall = statistics.median(walls)
        plain_total = plain and plain[1]
        library_total = library and library[0] + library[1]
        print(
            f"| {students:,} | {fmt_ms(wall)} | {fmt_ms(plain_total)} | {fmt_ms(library_total)} "
            f"| {ratio(plain_total, wall)} | {ratio(library_total, wall)} |"
        )
    for students, peer, predicted in skipped:
        name = "plain Python" if peer == "plain" else f"matching {library_version}"
        print()
        print(f"{name} skipped at {students:,} students: about {predicted:,.0f} s expected (budget {args.budget:,.0f} s).")


if __name__ == "__main__":
    main()
