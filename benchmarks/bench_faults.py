"""Faults during load: whole questionnaires POSTed to ``/s/<link>/responses`` while a gunicorn worker is
SIGKILLed every 10 s and PostgreSQL is restarted once; then every request that failed or got no answer
is retried with its submission key, and the database is checked against what the clients were told.

Run with ``.venv/bin/python benchmarks/bench_faults.py`` (or ``make bench-faults``). Needs the PostgreSQL
server binaries: ``apt-get install postgresql`` (Debian/Ubuntu). Options: ``--seconds`` (60),
``--kill-every`` (10), ``--restart-at`` (25), ``--restart-mode`` (``immediate``: a crash, WAL recovery on
start; or ``fast``), ``--connections`` (16), ``--worker-class``/``--threads`` (gthread, 4),
``--providers`` (50), ``--seed``.

What it does, all in this run:

1. the same site as ``bench_submit.py`` (``load_setup.build_site``): a throwaway PostgreSQL with fsync
   and synchronous commit on, migrated with ``flask db upgrade``, seeded through the application, and
   valid random questionnaires; gunicorn with 2 workers under ``SAPA_ENV=production``;
2. a Python load generator (``--connections`` threads, keep-alive HTTP/1.1) that records, for every
   request, its submission key, its questionnaire and its outcome: the HTTP status and answer, or the
   socket error when none came (wrk cannot say which request got which outcome);
3. the faults: ``SIGKILL`` to one gunicorn worker every ``--kill-every`` seconds (the arbiter starts a
   new one) and ``pg_ctl restart -m <mode>`` once, at ``--restart-at`` seconds;
4. after the load, every request that failed or got no answer is sent again with the same key and body
   until it is acknowledged, and a sample of acknowledged keys is sent again as well (each must answer
   ``200 already_stored`` and add nothing);
5. the checks, against the database: every key acknowledged with 2xx has exactly one stored response,
   no key has two, every retried key now has exactly one, the number stored equals the number of
   distinct acknowledged keys, and each stored response has exactly the answer rows its questionnaire
   makes (nothing half-stored).

It prints the counts (sent, 2xx, failed, retried, duplicates, lost) and exits non-zero on any violation.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_setup import (  # noqa: E402
    Server,
    Site,
    build_site,
    database_settings,
    healthy,
    load_average,
    percentile,
    query,
    restart_postgres,
    start_server,
)

WORKERS = 2
REQUEST_TIMEOUT = 10.0
RETRY_ATTEMPTS = 8
RETRY_SECONDS = 300.0
PROBE_SAMPLE = 300


@dataclass
class Outcome:
    """One request as the client saw it."""

    key: str
    questionnaire: int
    started: float  # seconds since the load began
    seconds: float
    status: int | None = None  # None: no answer (the connection failed or timed out)
    answer: str | None = None  # the "status" field of the JSON answer
    error: str | None = None

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def kind(self) -> str:
        if self.status is None:
            return f"no answer ({self.error})"
        return f"{self.status} {self.answer or ''}".strip()


class Client:
    """One keep-alive connection; a failed request closes it and the next one opens a new connection."""

    def __init__(self, port: int):
        self.port = port
        self.connection: http.client.HTTPConnection | None = None

    def post(self, path: str, body: bytes) -> tuple[int | None, str | None, str | None]:
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
            self.connection.request("POST", path, body, {"Content-Type": "application/json"})
            response = self.connection.getresponse()
            data = response.read()
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return None, None, type(error).__name__
        try:
            answer = json.loads(data).get("status")
        except (ValueError, AttributeError):
            answer = None  # an HTML error page (500) or a proxy's answer
        return response.status, answer, None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass
class Event:
    at: float
    text: str


class Load:
    """``connections`` threads posting questionnaires, each with a new key, until stopped."""

    def __init__(self, site: Site, server: Server, connections: int, prefix: str):
        self.site = site
        self.server = server
        self.connections = connections
        self.prefix = prefix
        self.outcomes: list[Outcome] = []
        self.numbers = itertools.count(1)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.started = 0.0
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(connections)]

    def start(self) -> None:
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(REQUEST_TIMEOUT + 5)

    def _run(self) -> None:
        client = Client(self.server.port)
        questionnaires = self.site.questionnaires
        while not self.stopping.is_set():
            with self.lock:
                number = next(self.numbers)
            index = number % len(questionnaires)
            key = f"{self.prefix}-{number}"
            questionnaire = questionnaires[index]
            began = time.monotonic()
            status, answer, error = client.post(questionnaire.path, questionnaire.body(key))
            outcome = Outcome(key, index, began - self.started, time.monotonic() - began, status, answer, error)
            with self.lock:
                self.outcomes.append(outcome)
        client.close()


def kill_worker(server: Server, rng: random.Random) -> str:
    workers = server.worker_pids()
    if not workers:
        return "no worker to kill (none running at that moment)"
    victim = rng.choice(workers)
    os.kill(victim, signal.SIGKILL)
    began = time.monotonic()
    while time.monotonic() - began < 30:  # the arbiter starts a new worker in its place
        current = server.worker_pids()
        if victim not in current and len(current) >= WORKERS:
            new = ", ".join(map(str, sorted(set(current) - set(workers))))
            return f"SIGKILL to worker {victim}; the arbiter forked worker {new} {time.monotonic() - began:.1f} s later"
        time.sleep(0.05)
    return f"SIGKILL to worker {victim}; no new worker within 30 s"


def restart_database(site: Site, mode: str) -> str:
    began = time.monotonic()
    restart_postgres(site.cluster, mode)
    return f"PostgreSQL restarted (pg_ctl stop -m {mode}, then start) in {time.monotonic() - began:.1f} s"


def run_faults(load: Load, site: Site, seconds: float, kill_every: float, restart_at: float, mode: str,
               rng: random.Random) -> list[Event]:
    """The fault schedule while ``load`` runs: kills on the clock in this thread, the restart in another
    (a restart that takes seconds does not push the kills back)."""
    events: list[Event] = []

    def at(moment: float) -> None:
        wait = load.started + moment - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def restart() -> None:
        at(restart_at)
        began = time.monotonic() - load.started
        events.append(Event(began, restart_database(site, mode)))

    restarter = threading.Thread(target=restart)
    restarter.start()
    moment = kill_every
    while moment < seconds:
        at(moment)
        began = time.monotonic() - load.started
        events.append(Event(began, kill_worker(load.server, rng)))
        moment += kill_every
    restarter.join()
    at(seconds)
    return sorted(events, key=lambda event: event.at)


def retry(site: Site, server: Server, outcomes: list[Outcome]) -> list[tuple[Outcome, Outcome]]:
    """Each request that was not acknowledged, again with the same key and body, until it is (a few
    attempts each, and at most ``RETRY_SECONDS`` in all: a server that stays down fails the check)."""
    client = Client(server.port)
    done = []
    deadline = time.monotonic() + RETRY_SECONDS
    for first in outcomes:
        questionnaire = site.questionnaires[first.questionnaire]
        last = Outcome(first.key, first.questionnaire, 0.0, 0.0, error="not retried: time limit")
        for attempt in range(RETRY_ATTEMPTS):
            if time.monotonic() > deadline:
                break
            began = time.monotonic()
            status, answer, error = client.post(questionnaire.path, questionnaire.body(first.key))
            last = Outcome(first.key, first.questionnaire, 0.0, time.monotonic() - began, status, answer, error)
            if last.acknowledged or (status is not None and status < 500):
                break
            time.sleep(min(2.0, 0.1 * 2 ** attempt))
        done.append((first, last))
    client.close()
    return done


def spans(moments: list[float], gap: float = 1.0) -> str:
    """``[9.9, 10.0, 10.2, 25.1]`` → ``9.9–10.2 (3), 25.1 (1)``: when a kind of failure happened."""
    groups: list[list[float]] = []
    for moment in sorted(moments):
        if groups and moment - groups[-1][-1] <= gap:
            groups[-1].append(moment)
        else:
            groups.append([moment])
    return ", ".join(f"{group[0]:.1f}" + (f"–{group[-1]:.1f}" if len(group) > 1 else "") + f" ({len(group)})"
                     for group in groups)


def wait_healthy(server: Server, limit: float = 60.0) -> float:
    began = time.monotonic()
    while time.monotonic() - began < limit:
        if len(server.worker_pids()) >= WORKERS and healthy(server.base):
            return time.monotonic() - began
        time.sleep(0.2)
    raise SystemExit(f"The server did not answer /healthz within {limit:.0f} s after the faults.")


def stored_responses(site: Site, prefix: str) -> dict[str, list[tuple]]:
    """Every stored response of this run: key -> [(response id, language, mode, answer rows)]."""
    rows = query(site.database_url, """
        SELECT r.submission_key, r.id, r.language, r.mode, count(a.item_id)
        FROM response r LEFT JOIN answer a ON a.response_id = r.id
        WHERE r.submission_key LIKE %s GROUP BY r.id""", f"{prefix}-%")
    by_key: dict[str, list[tuple]] = {}
    for key, response_id, language, mode, answers in rows:
        by_key.setdefault(key, []).append((response_id, language, mode, answers))
    return by_key


def error_lines(log: Path) -> Counter:
    """What the server logged while it failed: one line per unhandled error's last line."""
    if not log.exists():
        return Counter()
    found: Counter = Counter()
    for line in log.read_text(errors="replace").splitlines():
        match = re.match(r"^sqlalchemy\.exc\.(\w+): (?:\(.*?\) )?(.*)", line)
        if match:  # the server's own words, without where it was listening
            found[f"{match.group(1)}: {re.sub(r'connection to server at .*? failed: ', '', match.group(2))[:110]}"] += 1
        elif "WORKER TIMEOUT" in line or "was sent SIGKILL" in line or "Worker exiting" in line:
            found[re.sub(r"\d+", "N", line.split("] ", 2)[-1])[:100]] += 1
    return found


def main() -> None:  # noqa: C901 - one report, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--kill-every", type=float, default=10.0)
    parser.add_argument("--restart-at", type=float, default=25.0)
    parser.add_argument("--restart-mode", choices=("immediate", "fast"), default="immediate")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="gthread")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not 0 < args.restart_at < args.seconds:
        parser.error("--restart-at must fall within the run (0 < restart-at < seconds)")

    print(f"Faults during load on {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} cores; load average {load_average()} (1, 5, 15 min) at the start")
    started = time.monotonic()
    site = build_site("faults", args.providers, 20, args.seed)
    rng = random.Random(args.seed)
    violations: list[str] = []
    server = None
    try:
        settings = database_settings(site.database_url)
        print(f"  PostgreSQL {settings['server_version']} (fsync {settings['fsync']}, synchronous_commit "
              f"{settings['synchronous_commit']}), migrated with flask db upgrade; {args.providers} providers, "
              f"{len(site.questionnaires):,} valid random questionnaires; ready in {time.monotonic() - started:.0f} s")
        log = site.scratch / "gunicorn.log"
        server = start_server(site.environment, workers=WORKERS, worker_class=args.worker_class,
                              threads=args.threads, log=log)
        server_text = f"{WORKERS} × {args.worker_class}" + (
            f" ({args.threads} threads)" if args.worker_class == "gthread" else "")
        prefix = f"faults{secrets.token_hex(3)}"
        load = Load(site, server, args.connections, prefix)
        print(f"\n  Load: {args.seconds:.0f} s, gunicorn {server_text}, Python client {args.connections} connections; "
              f"SIGKILL to a worker every {args.kill_every:.0f} s, PostgreSQL restart (-m {args.restart_mode}) at "
              f"{args.restart_at:.0f} s; load average {load_average()}", flush=True)
        load.start()
        events = run_faults(load, site, args.seconds, args.kill_every, args.restart_at, args.restart_mode, rng)
        load.stop()
        outcomes = sorted(load.outcomes, key=lambda outcome: outcome.started)
        print(f"  Events (load average {load_average()} at the end of the load):")
        for event, following in zip(events, [*events[1:], None], strict=True):
            until = following.at if following else args.seconds + REQUEST_TIMEOUT
            failed = sum(not o.acknowledged for o in outcomes if event.at <= o.started + o.seconds < until)
            print(f"    t = {event.at:5.1f} s  {event.text}; requests ending before the next event not "
                  f"acknowledged: {failed}")
        print("  When the requests that were not acknowledged started (t, s):")
        for kind, count in Counter(o.kind for o in outcomes if not o.acknowledged).most_common():
            print(f"    {kind}: {count:,} at {spans([o.started for o in outcomes if o.kind == kind])}")

        sent = len(outcomes)
        acknowledged = [o for o in outcomes if o.acknowledged]
        refused = [o for o in outcomes if o.status is not None and not o.acknowledged]
        unanswered = [o for o in outcomes if o.status is None]
        kinds = Counter(o.kind for o in outcomes)
        latencies = [1000 * o.seconds for o in acknowledged]
        print(f"\n  Sent {sent:,} ({sent / args.seconds:.1f}/s); acknowledged (2xx) {len(acknowledged):,}; "
              f"failed with an HTTP error {len(refused):,}; no answer {len(unanswered):,}")
        print("    outcomes: " + "; ".join(f"{kind}: {count:,}" for kind, count in kinds.most_common()))
        print(f"    latency of the acknowledged: p50 {percentile(latencies, 0.5):.0f} ms, "
              f"p99 {percentile(latencies, 0.99):.0f} ms, max {max(latencies, default=float('nan')):.0f} ms")
        early = [o for o in acknowledged if o.answer != "stored"]
        if early:
            violations.append(f"{len(early)} new keys were answered 2xx but not 'stored' on first sending")

        print(f"  Server ready again {wait_healthy(server):.1f} s after the load; retrying "
              f"{len(refused) + len(unanswered):,} requests with their own keys…", flush=True)
        retried = retry(site, server, refused + unanswered)
        retry_kinds = Counter(last.kind for _first, last in retried)
        not_acknowledged = [last for _first, last in retried if not last.acknowledged]
        print(f"    retried {len(retried):,}: " + "; ".join(f"{kind}: {count:,}" for kind, count in
                                                           retry_kinds.most_common()))
        if not_acknowledged:
            violations.append(f"{len(not_acknowledged)} retried requests were still not acknowledged")

        probe = rng.sample(acknowledged, min(PROBE_SAMPLE, len(acknowledged)))
        probed = retry(site, server, probe)
        probe_kinds = Counter(last.kind for _first, last in probed)
        print(f"    acknowledged keys sent again (a sample of {len(probe)}): "
              + "; ".join(f"{kind}: {count:,}" for kind, count in probe_kinds.most_common()))
        if probe_kinds.get("200 already_stored", 0) != len(probe):
            violations.append("an acknowledged key sent again was not answered 200 already_stored")

        stored = stored_responses(site, prefix)
        acknowledged_keys = {o.key for o in acknowledged} | {last.key for _first, last in retried if last.acknowledged}
        retried_keys = {first.key for first, _last in retried}
        sent_keys = {o.key for o in outcomes}
        duplicates = sorted(key for key, rows in stored.items() if len(rows) > 1)
        lost = sorted(key for key in acknowledged_keys if key not in stored)
        unknown = sorted(set(stored) - sent_keys)
        retried_once = sum(len(stored.get(key, ())) == 1 for key in retried_keys)
        questionnaire_of = {o.key: site.questionnaires[o.questionnaire] for o in outcomes}
        wrong = [key for key, rows in stored.items() if key in questionnaire_of and any(
            (language, mode, answers) != (questionnaire_of[key].language, questionnaire_of[key].mode,
                                          questionnaire_of[key].stored_answers)
            for _id, language, mode, answers in rows)]
        stored_total = sum(len(rows) for rows in stored.values())
        stored_before_retry = sum(1 for _first, last in retried if last.answer == "already_stored")

        print(f"\n  Database (load average {load_average()}):")
        checks = (
            ("keys sent", f"{len(sent_keys):,}", True),
            ("acknowledged on first sending", f"{len(acknowledged):,}", True),
            ("failed or unanswered, retried", f"{len(retried):,}", True),
            ("  of which stored before the client heard (retry: already_stored)", f"{stored_before_retry:,}", True),
            ("  of which stored by the retry (201)", f"{retry_kinds.get('201 stored', 0):,}", True),
            ("retried keys with exactly one response", f"{retried_once:,} of {len(retried_keys):,}",
             retried_once == len(retried_keys)),
            ("distinct acknowledged keys", f"{len(acknowledged_keys):,}", True),
            ("responses stored", f"{stored_total:,}", stored_total == len(acknowledged_keys)),
            ("duplicates (keys with two responses)", f"{len(duplicates)}", not duplicates),
            ("lost (acknowledged, not stored)", f"{len(lost)}", not lost),
            ("stored under a key never sent", f"{len(unknown)}", not unknown),
            ("responses not matching what was sent", f"{len(wrong)}", not wrong),
        )
        for label, value, good in checks:
            print(f"    {'OK  ' if good else 'FAIL'} {label:<68} {value:>14}")
            if not good:
                violations.append(f"{label}: {value}")
        logged = error_lines(log)
        if logged:
            print("  Server log (what failed, as logged):")
            for line, count in logged.most_common(8):
                print(f"    {count:5,} × {line}")
    finally:
        if server is not None:
            server.stop()
        site.stop()
        shutil.rmtree(site.scratch, ignore_errors=True)
    print(f"\n  Load average {load_average()} at the end.")
    if violations:
        print("\nVIOLATIONS:\n  " + "\n  ".join(violations))
        raise SystemExit(1)
    print("  No response lost, none duplicated.")


if __name__ == "__main__":
    main()
