"""Benchmark of full submissions: whole questionnaires POSTed as JSON to ``/s/<link>/responses``, served
by gunicorn (2 workers) on PostgreSQL, against a bare one-row insert through the same stack.

Run with ``.venv/bin/python benchmarks/bench_submit.py`` (or ``make bench-load``). Needs the
PostgreSQL server binaries and wrk: ``apt-get install postgresql wrk`` (Debian/Ubuntu). Options:
``--seconds`` (60), ``--slices`` (12), ``--worker-class`` (sync) and ``--threads`` (4, for gthread),
``--sweep-seconds`` (0: no sweep), ``--connections``, ``--providers`` (50), ``--seed``, ``--no-durable``.

What it does, all in this run (nothing is hard-coded):

1. starts a throwaway PostgreSQL (``tests/support/postgres.start_cluster``) with fsync and
   synchronous commit on, migrates it with ``flask db upgrade`` under ``SAPA_ENV=production`` and a
   generated ``SECRET_KEY``, loads the reference lists and Sapa Core, and opens a campaign with
   ``--providers`` providers of every setting (residential, day care, home care, crisis centres…);
2. makes 20 random questionnaires per provider that the instrument's own rules accept (each
   provider's skip logic: its modules and no others; mostly positive answers, a few "not
   applicable", comments in a third of them, some that raise a safeguarding alert);
3. serves with sync workers — the fastest for full submissions here (in alternating runs 694.9/s against
   582.2/s with gthread × 4), and the steadiest: with threads the rate jumps from turn to turn — or with
   ``--worker-class gthread --threads N``; ``--sweep-seconds N`` sweeps worker classes (sync; gthread with
   2, 4, 8 threads) for N s each and keeps the fastest whose p99 stays within the target (on this shared
   machine a short sweep's winner is often chance);
4. serves the application and ``benchmarks/bare_wsgi.py`` (a one-row insert through the same stack) at
   once, both with that worker class, and runs wrk (one thread, a Lua script: ``benchmarks/submit.lua``)
   against each in ``--slices`` alternating turns (full, bare, bare, full…; ``--seconds`` of each in all),
   every request a new submission key — this machine is shared, and what else it is doing changes from
   minute to minute: alternating makes that fall on both endpoints alike;
5. prints, per turn and pooled, submissions per second, p50/p99 latency (from every latency wrk recorded),
   errors and where the CPU went (gunicorn, PostgreSQL, wrk itself and other users of the machine: the
   load generator shares the cores with the server, as does the database), and the ratio to the bare
   endpoint with a 95 % interval from its turns (``ratio_interval``);
6. checks that the stored responses equal the 2xx answers (plus any requests wrk cut off in flight
   when it stopped, which it sent but never read), and that each has all its answer rows.

Targets: ≥ 400 submissions/s on 2 cores, p99 ≤ 250 ms, ≥ 60 % of the bare endpoint's rate.
Exits non-zero when the stored count disagrees with what the server acknowledged.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import bootstrap

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_setup import (  # noqa: E402
    ROOT,
    SYSTEM_PACKAGES,
    CpuMeter,
    Server,
    Site,
    build_site,
    database_settings,
    describe_cpu,
    load_average,
    postmaster_pid,
    query,
    start_server,
)

TARGET_RATE = 400.0
TARGET_P99_MS = 250.0
TARGET_RATIO = 0.60
WORKERS = 2
SWEEP = (("sync", 1), ("gthread", 2), ("gthread", 4), ("gthread", 8))
LUA = ROOT / "benchmarks" / "submit.lua"


@dataclass
class Run:
    label: str
    seconds: float
    answered: int
    sent: int
    statuses: dict[str, int]
    errors: dict[str, int]
    latency_ms: dict[str, float]
    wrk_cpu: float
    prefixes: list[str]  # of the submission keys: one per wrk run pooled into this one
    histogram: list[tuple[int, int]]  # every latency recorded: (microseconds, count)

    @property
    def ok(self) -> int:
        return sum(count for status, count in self.statuses.items() if 200 <= int(status) < 300)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds

    @property
    def failed(self) -> int:
        return self.answered - self.ok + sum(self.errors[kind] for kind in ("connect", "read", "write", "timeout"))

    def line(self) -> str:
        statuses = ", ".join(f"{status}: {count:,}" for status, count in sorted(self.statuses.items()))
        errors = ", ".join(f"{kind} {count}" for kind, count in self.errors.items() if count and kind != "status")
        return (f"{self.rate:7.1f}/s  p50 {self.latency_ms['p50']:6.1f} ms  p99 {self.latency_ms['p99']:6.1f} ms  "
                f"({self.ok:,} stored of {self.answered:,} answered; {statuses}"
                f"{'; socket errors: ' + errors if errors else ''})")


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit(f"wrk was not found. Install: {SYSTEM_PACKAGES}")
    return found


def write_bodies(site: Site, folder: Path) -> Path:
    path = folder / "bodies.tsv"
    marker = "@@KEY@@"
    with path.open("w", encoding="utf-8") as out:
        for questionnaire in site.questionnaires:
            before, after = questionnaire.body(marker).decode().split(marker)
            out.write(f"{questionnaire.path}\t{before}\t{after}\n")
    return path


def run_wrk(server: Server, bodies: Path, seconds: float, connections: int, label: str,
            path: str | None = None) -> Run:
    prefix = f"{label}{secrets.token_hex(3)}"
    environment = dict(os.environ, SAPA_BODIES=str(bodies), SAPA_RUN=prefix)
    if path:
        environment["SAPA_PATH"] = path
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [wrk_binary(), "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
         "-s", str(LUA), server.base],
        env=environment, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = next((line for line in done.stdout.splitlines() if line.startswith("SAPA-RESULT ")), None)
    if done.returncode != 0 or result is None:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    data = json.loads(result.removeprefix("SAPA-RESULT "))
    return Run(
        label=label, seconds=data["duration_us"] / 1e6, answered=data["answered"], sent=data["sent"],
        statuses=data["statuses"], errors=data["errors"],
        latency_ms={key: value / 1000 for key, value in data["latency_us"].items()},
        wrk_cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), prefixes=[prefix],
        histogram=[(value, count) for value, count in data["histogram"]])


def pooled(runs: list[Run]) -> Run:
    """Several wrk runs of one endpoint as one: counts added, latency percentiles from all their latencies."""
    histogram: dict[int, int] = {}
    for run in runs:
        for value, count in run.histogram:
            histogram[value] = histogram.get(value, 0) + count
    ordered = sorted(histogram.items())
    total = sum(count for _value, count in ordered)

    def percentile(share: float) -> float:  # as wrk's: the lowest latency with at least that share at or below it
        needed, seen = share * total, 0
        for value, count in ordered:
            seen += count
            if seen >= needed:
                return value / 1000
        return float("nan")

    statuses: dict[str, int] = {}
    errors: dict[str, int] = {}
    for run in runs:
        for status, count in run.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
        for kind, count in run.errors.items():
            errors[kind] = errors.get(kind, 0) + count
    return Run(
        label=runs[0].label, seconds=sum(run.seconds for run in runs), answered=sum(run.answered for run in runs),
        sent=sum(run.sent for run in runs), statuses=statuses, errors=errors,
        latency_ms={"mean": sum(value * count for value, count in ordered) / max(1, total) / 1000,
                    "p50": percentile(0.50), "p90": percentile(0.90), "p99": percentile(0.99),
                    "max": ordered[-1][0] / 1000 if ordered else float("nan")},
        wrk_cpu=sum(run.wrk_cpu for run in runs), prefixes=[prefix for run in runs for prefix in run.prefixes],
        histogram=ordered)


def added(meters: list[dict]) -> dict:
    """CPU measured over several runs, as one."""
    total = {key: sum(meter[key] for meter in meters) for key in ("wall", "server", "postgres", "load_generator",
                                                                   "others", "idle", "wal", "checkpoints")}
    total["cores"] = sum(meter["cores"] * meter["wall"] for meter in meters) / total["wall"]
    return total


def ratio_interval(full: list[Run], bare: list[Run], confidence: float = 0.95, seed: int = 2026
                   ) -> tuple[float, float]:
    """How far the pooled ratio could move with other turns of this machine: a paired bootstrap interval.

    Statistic: R = (Σ full stored / Σ full seconds) / (Σ bare stored / Σ bare seconds) over the turns, the
    pooled ratio printed as "full / bare". Turn i of each endpoint ran next to the other's turn i (alternating),
    so what the machine was doing then weighs on both: turns are resampled as pairs (``paired=True``), 9,999
    times, and the interval is the percentile one (Efron & Tibshirani 1993, *An Introduction to the Bootstrap*,
    ch. 13), by ``scipy.stats.bootstrap``. It says how steady this run was, not how another machine would do.
    """
    def pooled_ratio(full_ok, full_seconds, bare_ok, bare_seconds):
        return (full_ok.sum() / full_seconds.sum()) / (bare_ok.sum() / bare_seconds.sum())

    data = tuple(np.array([getattr(run, name) for run in runs], dtype=float)
                 for runs in (full, bare) for name in ("ok", "seconds"))
    if len(set(zip(*data, strict=True))) < 2:  # every pair alike: nothing to resample
        value = float(pooled_ratio(*data))
        return value, value
    result = bootstrap(data, pooled_ratio, paired=True, vectorized=False, confidence_level=confidence,
                       n_resamples=9999, method="percentile", rng=np.random.default_rng(seed))
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def default_connections(threads: int) -> int:
    """Twice what the server handles at once: a request always waits, none waits for long."""
    return max(4, 2 * WORKERS * threads)


def measure(site: Site, bodies: Path, worker_class: str, threads: int, seconds: float, connections: int | None,
            label: str) -> Run:
    """The application alone with this worker class (the sweep)."""
    server = start_server(site.environment, workers=WORKERS, worker_class=worker_class, threads=threads,
                          log=site.scratch / "gunicorn.log")
    try:
        connections = connections or default_connections(threads)
        run_wrk(server, bodies, 3.0, connections, "warm")  # first requests compile and connect
        return run_wrk(server, bodies, seconds, connections, label)
    finally:
        server.stop()


def measure_alternating(site: Site, bodies: Path, worker_class: str, threads: int, seconds: float,
                        connections: int, slices: int) -> dict[str, tuple[list[Run], list[dict]]]:
    """Both endpoints served at once (the application and ``bare_wsgi``, same worker class), measured in
    ``slices`` alternating turns of ``seconds / slices`` each — full, bare, bare, full, full, bare… — so a
    change in what else this shared machine is doing falls on both alike. Each turn's runs and CPU, by label."""
    paths = {"full": None, "bare": "/bench/bare"}
    servers: dict[str, Server] = {}
    try:
        for label, app in (("full", "wsgi:app"), ("bare", "bare_wsgi:app")):
            servers[label] = start_server(site.environment, app=app, workers=WORKERS, worker_class=worker_class,
                                          threads=threads, log=site.scratch / f"gunicorn-{label}.log")
        for label, server in servers.items():
            run_wrk(server, bodies, 3.0, connections, "warm", paths[label])  # first requests compile and connect
        turns: dict[str, tuple[list[Run], list[dict]]] = {label: ([], []) for label in servers}
        for number in range(slices):
            for label in ("full", "bare") if number % 2 == 0 else ("bare", "full"):
                time.sleep(1.0)  # requests wrk cut off at the end of the last turn finish on the server
                wal = wal_written(site)
                meter = CpuMeter(servers[label].process.pid, postmaster_pid(site.cluster))
                meter.start()
                run = run_wrk(servers[label], bodies, seconds / slices, connections, label, paths[label])
                cpu = meter.stop(run.wrk_cpu)
                (wal_after, checkpoints_after), (wal_before, checkpoints_before) = wal_written(site), wal
                cpu["wal"], cpu["checkpoints"] = wal_after - wal_before, checkpoints_after - checkpoints_before
                turns[label][0].append(run)
                turns[label][1].append(cpu)
        time.sleep(1.0)
        return turns
    finally:
        for server in servers.values():
            server.stop()


def wal_written(site: Site) -> tuple[int, int]:
    """Bytes of write-ahead log PostgreSQL has written so far, and its checkpoints so far."""
    return query(site.database_url, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, "
                 "checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter")[0]


def cpu_ms(cpu: dict, run: Run) -> float:
    """CPU of gunicorn and PostgreSQL per acknowledged request, in ms."""
    return 1000 * (cpu["server"] + cpu["postgres"]) / max(1, run.ok)


def per_request(cpu: dict, run: Run) -> str:
    count = max(1, run.ok)
    return (f"    per request: gunicorn {1000 * cpu['server'] / count:.2f} ms CPU + PostgreSQL "
            f"{1000 * cpu['postgres'] / count:.2f} ms CPU = {cpu_ms(cpu, run):.2f} ms (with the {cpu['cores']:.0f} "
            f"cores to themselves, at that cost: {1000 * cpu['cores'] / cpu_ms(cpu, run):.0f}/s); "
            f"{cpu['wal'] / count / 1024:.1f} kB of write-ahead log; PostgreSQL checkpoints during these turns: "
            f"{cpu['checkpoints']}")


def check_stored(site: Site, run: Run, table: str) -> tuple[bool, str]:
    """Stored rows of this run = 2xx answers + requests sent but never read (cut off at the end)."""
    stored = query(site.database_url, f"SELECT count(*) FROM {table} WHERE submission_key LIKE ANY(%s)",
                   [f"{prefix}-%" for prefix in run.prefixes])[0][0]
    unread = run.sent - run.answered
    failed = run.answered - run.ok
    good = run.ok <= stored <= run.ok + unread and failed == 0
    text = (f"stored {stored:,} = {run.ok:,} acknowledged (2xx)"
            + (f" + {stored - run.ok} of the {unread} requests wrk cut off when it stopped (sent, never read)"
               if unread else "")
            + f"; non-2xx answers: {failed}")
    return good, text


def check_answers(site: Site, run: Run) -> tuple[bool, str]:
    """Each stored response has exactly the answer rows its questionnaire makes (nothing half-stored).

    ``submit.lua`` sends questionnaire ``(start + n - 1) mod count`` as request ``n`` of thread ``t``, with
    key ``<run>-<t>-<n>``, so the questionnaire behind every stored key is known.
    """
    rows = query(site.database_url, """
        SELECT r.submission_key, count(a.item_id) FROM response r LEFT JOIN answer a ON a.response_id = r.id
        WHERE r.submission_key LIKE ANY(%s) GROUP BY r.submission_key""", [f"{prefix}-%" for prefix in run.prefixes])
    count = len(site.questionnaires)
    wrong = 0
    for key, answers in rows:
        thread, number = (int(part) for part in key.rsplit("-", 2)[1:])
        questionnaire = site.questionnaires[(((thread - 1) * 7919) % count + number - 1) % count]
        wrong += answers != questionnaire.stored_answers
    total = sum(answers for _key, answers in rows)
    return wrong == 0, (f"{total:,} answer rows; responses whose answer rows differ from what was sent: {wrong}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="of each endpoint, all turns together")
    parser.add_argument("--slices", type=int, default=12, help="alternating turns of the two endpoints")
    parser.add_argument("--sweep-seconds", type=float, default=0.0, help="sweep worker classes, this long each")
    parser.add_argument("--worker-class", choices=("sync", "gthread"), help="sync unless given")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int)
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-durable", action="store_true", help="keep fsync and synchronous commit off")
    args = parser.parse_args()
    wrk_binary()

    print(f"Full submissions on {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} cores; load average {load_average()} (1, 5, 15 min) at the start")
    started = time.monotonic()
    site = build_site("submit", args.providers, 20, args.seed, durable=not args.no_durable)
    violations = []
    try:
        settings = database_settings(site.database_url)
        print(f"  PostgreSQL {settings['server_version']} (fsync {settings['fsync']}, synchronous_commit "
              f"{settings['synchronous_commit']}, shared_buffers {settings['shared_buffers']}), migrated with "
              f"flask db upgrade; {args.providers} providers ("
              + ", ".join(f"{count} {setting}" for setting, count in sorted(site.settings.items()))
              + f"), {len(site.questionnaires):,} valid random questionnaires; ready in "
              f"{time.monotonic() - started:.0f} s")
        bodies = write_bodies(site, site.scratch)
        sizes = [len(questionnaire.body("x" * 16)) for questionnaire in site.questionnaires]
        print(f"  bodies {min(sizes)}–{max(sizes)} bytes (mean {sum(sizes) / len(sizes):.0f}); "
              f"{sum(len(questionnaire.answers) for questionnaire in site.questionnaires) / len(sizes):.1f} "
              "answers each on average")

        if args.sweep_seconds > 0:
            print(f"\n  Worker classes, {args.sweep_seconds:.0f} s each ({WORKERS} workers; wrk connections = "
                  "2 × requests served at once):")
            results = []
            for kind, count in SWEEP:
                run = measure(site, bodies, kind, count, args.sweep_seconds, args.connections, "sweep")
                name = kind if kind == "sync" else f"gthread, {count} threads"
                print(f"    {name:<22} {run.line()}", flush=True)
                results.append((run, kind, count, name))
            within = [result for result in results if result[0].latency_ms["p99"] <= TARGET_P99_MS]
            best = max(within or results, key=lambda result: result[0].rate)
            worker_class, threads = best[1], best[2]
            print(f"  → {best[3]}: the highest rate" + (f" with p99 ≤ {TARGET_P99_MS:.0f} ms" if within else "")
                  + " in this sweep")
        else:
            worker_class = args.worker_class or "sync"
            threads = args.threads if worker_class == "gthread" else 1
            print(f"\n  Worker class: {worker_class}" + (f", {threads} threads" if worker_class == "gthread" else ""))
        connections = args.connections or default_connections(threads)
        server_text = f"{WORKERS} × {worker_class}" + (f" ({threads} threads)" if worker_class == "gthread" else "")

        turn = args.seconds / args.slices
        print(f"\n  Full submissions and the bare endpoint (one row, same stack: benchmarks/bare_wsgi.py), "
              f"{args.seconds:.0f} s each in {args.slices} alternating turns of {turn:.0f} s, both served by "
              f"gunicorn {server_text}, wrk 1 thread × {connections} connections; load average {load_average()}:",
              flush=True)
        turns = measure_alternating(site, bodies, worker_class, threads, args.seconds, connections, args.slices)
        print("    turn     full/s   bare/s   full / bare")
        for number, (one_full, one_bare) in enumerate(zip(turns["full"][0], turns["bare"][0], strict=True), 1):
            ratio = one_full.rate / one_bare.rate if one_bare.rate else float("nan")
            print(f"    {number:>4}  {one_full.rate:8.1f} {one_bare.rate:8.1f}   {100 * ratio:5.0f} %")
        full, cpu = pooled(turns["full"][0]), added(turns["full"][1])
        bare, bare_cpu = pooled(turns["bare"][0]), added(turns["bare"][1])

        print(f"\n  Full submissions, {full.seconds:.0f} s in all:")
        print(f"    {full.line()}")
        print(f"    latency mean {full.latency_ms['mean']:.1f} ms, p90 {full.latency_ms['p90']:.1f} ms, "
              f"max {full.latency_ms['max']:.1f} ms")
        print(describe_cpu(cpu))
        print(per_request(cpu, full))
        good, text = check_stored(site, full, "response")
        print(f"    {'OK  ' if good else 'FAIL'} {text}")
        if not good:
            violations.append(text)
        good, text = check_answers(site, full)
        print(f"    {'OK  ' if good else 'FAIL'} {text}")
        if not good:
            violations.append(text)
        alerts = query(site.database_url, "SELECT count(*) FROM safeguarding_alert")[0][0]
        print(f"    safeguarding alerts raised along the way: {alerts:,}")

        print(f"\n  Bare endpoint, {bare.seconds:.0f} s in all:")
        print(f"    {bare.line()}")
        print(describe_cpu(bare_cpu))
        print(per_request(bare_cpu, bare))
        good, text = check_stored(site, bare, "bench_bare_row")
        print(f"    {'OK  ' if good else 'FAIL'} {text}")
        if not good:
            violations.append(text)

        ratio = full.rate / bare.rate if bare.rate else float("nan")
        ratios = [one_full.rate / max(one_bare.rate, 1e-9) for one_full, one_bare in zip(turns["full"][0],
                                                                                   turns["bare"][0], strict=True)]
        low, high = ratio_interval(turns["full"][0], turns["bare"][0])
        print(f"\n  Summary (load average {load_average()} at the end):")
        for label, value, target, good in (
            ("full submissions per second", f"{full.rate:.1f}", f"≥ {TARGET_RATE:.0f}", full.rate >= TARGET_RATE),
            ("p50 latency", f"{full.latency_ms['p50']:.1f} ms", "", True),
            ("p99 latency", f"{full.latency_ms['p99']:.1f} ms", f"≤ {TARGET_P99_MS:.0f} ms",
             full.latency_ms["p99"] <= TARGET_P99_MS),
            ("bare endpoint per second", f"{bare.rate:.1f}", "", True),
            ("full / bare", f"{100 * ratio:.0f} %", f"≥ {100 * TARGET_RATIO:.0f} %", ratio >= TARGET_RATIO),
            ("full / bare, 95 % interval", f"{100 * low:.0f}–{100 * high:.0f} %", "", True),
            ("full / bare, turn by turn", f"{100 * min(ratios):.0f}–{100 * max(ratios):.0f} %", "", True),
            ("errors (non-2xx and socket)", f"{full.failed}", "0", full.failed == 0),
            ("CPU per request, full / bare", f"{cpu_ms(cpu, full):.1f} / {cpu_ms(bare_cpu, bare):.1f} ms", "", True),
        ):
            verdict = ("met" if good else "MISSED") if target else ""
            print(f"    {label:<30} {value:>12}   {target:<10} {verdict}")
        print("    The load generator, PostgreSQL and other users of the machine share its cores with the "
              "server (CPU above).")
    finally:
        site.stop()
        shutil.rmtree(site.scratch, ignore_errors=True)
    if violations:
        print("\nVIOLATIONS:\n  " + "\n  ".join(violations))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
