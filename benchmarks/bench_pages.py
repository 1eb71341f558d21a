"""Benchmark of the provider comparison page (/staff/providers) on 2,000 providers and 1,000,000 responses.

Run with ``.venv/bin/python benchmarks/bench_pages.py`` (options: ``--providers``, ``--responses``,
``--rebuild``, ``--requests``, ``--concurrency``, ``--csv-requests``, ``--snapshot``).

The first run builds a SQLite database and keeps it in ``benchmarks/.cache/`` (git-ignored):

- the application's schema, reference lists and the standard instrument (through the application);
- ``--providers`` Kazakh providers with realistic names, settings, forms, services, standards,
  recipient categories and, for NGOs and private providers, a state social order contract with a
  funder (so every filter of the page has something to filter);
- two waves (campaigns), every provider enrolled in both;
- ``--responses`` responses with their profile (language, mode, age band, sex, recipient category,
  self-rated health, help) and a few answers each — half the items of every core dimension (what a
  dimension score needs), overall satisfaction and likelihood to recommend — inserted in bulk with
  plain SQL; a few providers get fewer than 5 responses, so the small-number rule has rows to hide;
- a score snapshot. ``--snapshot refresh`` (the default) runs the application's own
  ``refresh_scores()`` over every response; ``--snapshot synthetic`` feeds a respondent frame
  generated in NumPy (the same values as the answers inserted) straight to the real
  ``survey_app.scores.compute`` functions, skipping the SQL aggregation. The output says which.

Then it starts the real application with gunicorn (2 workers) on that database, signs in as an
evaluator (sees every provider) and measures, with one client after another (``--requests`` each)
and with ``--concurrency`` clients at once:

- the list page of the default (newest) wave, page 1;
- a filtered page (one region and one setting), page 1;
- the CSV export of the whole table (``--csv-requests``, one client).

It prints p50 / p95 / p99 latencies measured in this run (nothing is hard-coded) against the target
of p95 ≤ 300 ms for the list page.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = ROOT / "benchmarks" / ".cache"
SEED = 2027
PASSWORD = "bench-pages-password-2026"
EVALUATOR = "evaluator@bench.sapa"
WAVES = ((1, date(2025, 9, 1), date(2025, 11, 30)), (2, date(2026, 3, 1), date(2026, 5, 31)))
SMALL_SHARE = 0.03  # providers with fewer than 5 responses in a wave
TARGET_P95_MS = 300.0
# Answered besides the core dimensions' items.
SINGLE_ITEMS = ("overall_satisfaction", "recommend")
CORE_DIMENSIONS = ("access", "respect", "competence", "information", "coordination", "outcomes", "safety")


def _app(database: Path):
    from survey_app import create_app
    from survey_app.config import TestConfig

    config = TestConfig(f"sqlite:///{database}")
    config.TESTING = False
    return create_app(config)


# --- Building the database -------------------------------------------------------------------------

def _provider_plan(rng, count: int):
    """Names, kinds and regions in the mix of the demo's Kazakh providers, scaled to ``count``."""
    import numpy as np

    from survey_app.demo.providers import KINDS, NGO_NAMES, TOWNS

    kinds = [kind for kind in KINDS if kind.count_kz]
    weights = np.array([kind.count_kz for kind in kinds], dtype=float)
    chosen = rng.choice(len(kinds), count, p=weights / weights.sum())
    regions = list(TOWNS)
    plan = []
    for number, index in enumerate(chosen):
        kind = kinds[int(index)]
        region = regions[int(rng.integers(len(regions)))]
        town = TOWNS[region][int(rng.integers(len(TOWNS[region])))]
        ngo = NGO_NAMES[int(rng.integers(len(NGO_NAMES)))]
        name = f"{kind.name_kz.format(town=town, ngo=ngo)} (№{number + 1})"
        plan.append((f"bench-{number + 1:05d}", name, kind, region))
    return plan


def build_database(database: Path, providers: int, responses: int, snapshot: str) -> None:
    import numpy as np
    from sqlalchemy import select

    from survey_app.auth.services import create_user
    from survey_app.extensions import db
    from survey_app.instruments.runtime import compiled_instrument
    from survey_app.instruments.services import load_standard_instrument
    from survey_app.models import (
        Campaign,
        CampaignProvider,
        Contract,
        Funder,
        Provider,
        RecipientCategory,
        Region,
        ServiceStandard,
        ServiceType,
    )
    from survey_app.reference.loader import load_reference

    database.parent.mkdir(parents=True, exist_ok=True)
    partial = database.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    rng = np.random.default_rng(SEED)
    started = time.monotonic()
    app = _app(partial)
    with app.app_context():
        db.create_all()
        load_reference()
        version = load_standard_instrument()
        instrument = compiled_instrument(version)
        regions = {row.code: row for row in db.session.scalars(select(Region).where(Region.country == "KZ"))}
        services = {row.code: row for row in db.session.scalars(select(ServiceType))}
        standards = {row.code: row for row in db.session.scalars(select(ServiceStandard))}
        categories = {row.code: row for row in db.session.scalars(select(RecipientCategory))}
        rows = []
        funders: dict[str, Funder] = {}
        for code, name, kind, region_code in _provider_plan(rng, providers):
            low, high = kind.size
            provider = Provider(code=code, name=name, org_form=kind.org_form, setting=kind.setting,
                                region=regions[region_code], recipients_served=int(rng.integers(low, high + 1)))
            provider.services = [services[item] for item in kind.services]
            provider.standards = [standards[item] for item in kind.standards]
            provider.categories = [categories[item] for item in kind.categories]
            db.session.add(provider)
            rows.append(provider)
            if kind.org_form in ("ngo", "private"):
                region = regions[region_code]
                funder = funders.get(region_code)
                if funder is None:
                    funder = Funder(code=f"{region_code}-employment-dept", kind="akimat", country="KZ", region=region)
                    funder.set_names({language: f"Управление занятости ({region.name(language)})"
                                      for language in ("kk", "ru", "uk", "en")})
                    funders[region_code] = funder
                db.session.add(Contract(
                    number=f"ГСЗ-2026/{len(rows):05d}", title="Специальные социальные услуги, 2026 год",
                    funder=funder, provider=provider, region=region, starts_on=date(2026, 1, 1),
                    ends_on=date(2026, 12, 31), budget=1_000_000, currency="KZT", contracted_recipients=50))
        campaigns = []
        for wave, starts_on, ends_on in WAVES:
            campaign = Campaign(code=f"bench-kz-wave-{wave}", name=f"Sapa Core · KZ · {starts_on:%Y-%m}",
                                instrument_version=version, country="KZ", default_language="kk", wave=wave,
                                starts_on=starts_on, ends_on=ends_on)
            db.session.add(campaign)
            campaigns.append(campaign)
        db.session.flush()
        for campaign in campaigns:
            for provider in rows:
                db.session.add(CampaignProvider(campaign=campaign, provider=provider,
                                                link_code=f"B{campaign.wave}{provider.id:07d}"))
        create_user(EVALUATOR, "Bench Evaluator", PASSWORD, "evaluator", language="ru")
        db.session.commit()
        # Half the items of each core dimension (rounded up): what a respondent's dimension score needs.
        by_dimension: dict[str, list] = {}
        for question in instrument.questions.values():
            if question.dimension in CORE_DIMENSIONS and question.scored:
                by_dimension.setdefault(question.dimension, []).append(question)
        answered = {dimension: [q for q in questions if not q.reverse][:(len(questions) + 1) // 2]
                    for dimension, questions in by_dimension.items()}
        plan = {
            "version_id": version.id,
            "campaigns": [(campaign.id, campaign.starts_on) for campaign in campaigns],
            "providers": [(row.id, [categories[code].id for code in kind_categories(row)]) for row in rows],
            "categories": {row.id: row.code for row in categories.values()},
            "items": {dimension: [question.id for question in questions] for dimension, questions in answered.items()},
            "single": {name: instrument.questions[name].id for name in SINGLE_ITEMS},
        }
        db.session.remove()
        db.engine.dispose()
    print(f"  schema, {providers:,} providers, contracts and campaigns in {time.monotonic() - started:.0f} s",
          flush=True)
    started = time.monotonic()
    frame = _bulk_insert(partial, plan, responses, rng)
    print(f"  {responses:,} responses inserted in {time.monotonic() - started:.0f} s", flush=True)
    started = time.monotonic()
    _snapshot(partial, frame, snapshot)
    print(f"  score snapshot ({snapshot}) in {time.monotonic() - started:.0f} s", flush=True)
    partial.rename(database)
    database.with_suffix(".snapshot").write_text(snapshot)


def kind_categories(provider) -> list[str]:
    return [category.code for category in provider.categories]


def _bulk_insert(database: Path, plan: dict, responses: int, rng):
    """Responses and answers with plain SQL; returns the respondent frame of what was inserted."""
    import numpy as np
    import pandas as pd

    provider_ids = np.array([pid for pid, _categories in plan["providers"]])
    provider_categories = [categories for _pid, categories in plan["providers"]]
    count = len(provider_ids)
    quality = rng.normal(0.0, 0.35, count)
    weights = rng.lognormal(0.0, 0.8, count)
    small = rng.choice(count, max(1, int(count * SMALL_SHARE)), replace=False)
    cuts = np.array([-1.3, -0.5, 0.35, 1.25])
    dimensions = sorted(plan["items"])
    item_ids = [plan["items"][dimension] for dimension in dimensions]
    satisfaction_id, recommend_id = plan["single"]["overall_satisfaction"], plan["single"]["recommend"]

    connection = sqlite3.connect(database, isolation_level=None, timeout=60)
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA cache_size = -262144")
    secondary = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('answer', 'response') "
        "AND sql IS NOT NULL").fetchall()
    for name, _sql in secondary:
        connection.execute(f"DROP INDEX {name}")
    response_sql = (
        "INSERT INTO response (id, submission_key, campaign_id, provider_id, instrument_version_id, language, mode, "
        "submitted_on, age_band, sex, recipient_category_id, self_rated_health, assistance) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    answer_sql = "INSERT INTO answer (response_id, item_id, choice, score) VALUES (?, ?, ?, ?)"
    frames = []
    next_id = 1
    shares = (0.4, 0.6)  # responses per wave
    for (campaign_id, starts_on), share in zip(plan["campaigns"], shares, strict=True):
        total = int(responses * share) if campaign_id != plan["campaigns"][-1][0] else responses - (next_id - 1)
        # Providers' sizes: lognormal, except the few small ones (1–4 responses).
        small_counts = rng.integers(1, 5, len(small))
        rest = total - int(small_counts.sum())
        large = np.setdiff1d(np.arange(count), small)
        counts = np.zeros(count, dtype=int)
        counts[small] = small_counts
        counts[large] = rng.multinomial(rest, weights[large] / weights[large].sum())
        provider_index = np.repeat(np.arange(count), counts)
        rng.shuffle(provider_index)
        for first in range(0, total, 50_000):
            index = provider_index[first:first + 50_000]
            n = len(index)
            ids = np.arange(next_id, next_id + n)
            next_id += n
            latent = quality[index] + rng.normal(0, 0.45, n)
            category = np.array([cats[int(rng.integers(len(cats)))] if cats else None
                                 for cats in (provider_categories[i] for i in index)], dtype=object)
            profile = {
                "language": rng.choice(["kk", "ru"], n, p=[0.45, 0.55]),
                "mode": rng.choice(["web", "kiosk", "assisted", "paper"], n, p=[0.4, 0.2, 0.3, 0.1]),
                "age_band": rng.choice(["18_34", "35_59", "60_74", "75_plus"], n, p=[0.15, 0.3, 0.35, 0.2]),
                "self_rated_health": rng.integers(1, 6, n),
                "assistance": rng.choice(["self", "helped", "proxy"], n, p=[0.6, 0.25, 0.15]),
            }
            days = rng.integers(0, 90, n)
            connection.execute("BEGIN")
            connection.executemany(response_sql, zip(
                ids.tolist(), [f"bench-{i:08d}" for i in ids.tolist()], [campaign_id] * n,
                provider_ids[index].tolist(), [plan["version_id"]] * n, profile["language"].tolist(),
                profile["mode"].tolist(), [(starts_on + timedelta(days=int(d))).isoformat() for d in days],
                profile["age_band"].tolist(), rng.choice(["female", "male"], n, p=[0.62, 0.38]).tolist(),
                category.tolist(), profile["self_rated_health"].tolist(), profile["assistance"].tolist(),
                strict=True,
            ))
            columns = {}
            answer_rows = []
            for dimension, items in zip(dimensions, item_ids, strict=True):
                scores = [1 + np.searchsorted(cuts, 0.95 + latent + rng.normal(0, 0.65, n)) for _item in items]
                columns[f"dimension:{dimension}"] = (np.mean(scores, axis=0) - 1) / 4 * 100
                answer_rows += list(zip(items, scores, strict=True))
            satisfaction = 1 + np.searchsorted(cuts, 0.9 + latent + rng.normal(0, 0.6, n))
            recommend = np.clip(np.rint(7.5 + 2.2 * latent + rng.normal(0, 1.4, n)), 0, 10).astype(int)
            answer_rows += [(satisfaction_id, satisfaction), (recommend_id, recommend)]
            for item_id, scores in answer_rows:
                connection.executemany(answer_sql, zip(ids.tolist(), [item_id] * n, [str(s) for s in scores.tolist()],
                                                       scores.tolist(), strict=True))
            connection.execute("COMMIT")
            codes = plan["categories"]
            frames.append(pd.DataFrame({
                "response_id": ids, "campaign_id": campaign_id, "provider_id": provider_ids[index],
                "version_id": plan["version_id"], "age_band": profile["age_band"],
                "self_rated_health": profile["self_rated_health"].astype(float), "assistance": profile["assistance"],
                "mode": profile["mode"], "language": profile["language"],
                "category": [codes.get(c) if c is not None else None for c in category],
                **columns,
                "overall_satisfaction": satisfaction.astype(float), "recommend": recommend.astype(float),
            }))
            print(f"  {next_id - 1:>9,} responses", end="\r", flush=True)
    print()
    for _name, sql in secondary:
        connection.execute(sql)
    connection.execute("ANALYZE")
    connection.close()
    frame = pd.concat(frames, ignore_index=True)
    dimension_columns = [f"dimension:{dimension}" for dimension in dimensions]
    frame["composite"] = frame[dimension_columns].mean(axis=1)
    frame["satisfaction"] = frame["overall_satisfaction"].isin((4, 5)) * 100.0
    return frame


def _snapshot(database: Path, frame, how: str) -> None:
    from sqlalchemy import func, insert, select

    from survey_app.extensions import db
    from survey_app.models import Response
    from survey_app.models.base import utcnow
    from survey_app.models.scores import GroupScore, ProviderScore, ScoreSnapshot
    from survey_app.scores.compute import group_rows, provider_rows
    from survey_app.scores.refresh import provider_frame, refresh_scores

    app = _app(database)
    with app.app_context():
        if how == "refresh":
            del frame
            refresh_scores(echo=lambda text: print(f"  {text}", flush=True))
        else:
            last_id = db.session.scalar(select(func.max(Response.id))) or 0
            snapshot = ScoreSnapshot(status="running", last_response_id=last_id, started_at=utcnow(),
                                     responses=len(frame))
            db.session.add(snapshot)
            db.session.flush()
            providers = provider_frame()
            scores, groups = provider_rows(frame, providers), group_rows(frame, providers)
            for table, rows in ((ProviderScore.__table__, scores), (GroupScore.__table__, groups)):
                for start in range(0, len(rows), 5000):
                    db.session.execute(insert(table), [{"snapshot_id": snapshot.id, **row}
                                                       for row in rows[start:start + 5000]])
            snapshot.status, snapshot.finished_at = "done", utcnow()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


# --- Measuring the running application -------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(database: Path, port: int, workers: int) -> subprocess.Popen:
    instance = CACHE / "pages-instance"
    instance.mkdir(parents=True, exist_ok=True)
    environment = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", SAPA_INSTANCE_PATH=str(instance),
                       SAPA_ENV="embedded", PYTHONDONTWRITEBYTECODE="1")
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "120",
         "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=environment, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before answering.")
    stop_server(server)
    raise SystemExit("gunicorn did not answer within two minutes.")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def signed_in_opener(base: str) -> urllib.request.OpenerDirector:
    """A client with the evaluator's session cookie (the sign-in form, its CSRF token and all)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/staff/login", timeout=60) as answer:
        form = answer.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    data = {"email": EVALUATOR, "password": PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    with opener.open(f"{base}/staff/login", data=urllib.parse.urlencode(data).encode(), timeout=60) as answer:
        answer.read()
    with opener.open(f"{base}/staff/providers", timeout=120) as answer:
        if "/staff/login" in answer.geturl():
            raise SystemExit("Could not sign in as the evaluator.")
        answer.read()
    return opener


def timed(opener, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with opener.open(url, timeout=120) as answer:
        body = answer.read()
        if answer.status != 200:
            raise SystemExit(f"{url}: status {answer.status}")
    return (time.perf_counter() - started) * 1000, len(body)


def what_is_shown(opener, url: str) -> tuple[int, str]:
    """Rows on the page and the total it announces (so a page that lost its table is never timed)."""
    with opener.open(url, timeout=120) as answer:
        html = answer.read().decode()
    total = re.search(r'<p class="table-summary">\s*([^<·]+)', html)
    return html.count('<th scope="row">'), total.group(1).strip() if total else "?"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def sequential(opener, url: str, requests: int) -> tuple[list[float], int]:
    timed(opener, url)  # warm: the workers' first request of a kind imports and caches
    times, size = [], 0
    for _ in range(requests):
        elapsed, size = timed(opener, url)
        times.append(elapsed)
    return times, size


def concurrent(openers, urls: list[str], requests: int) -> tuple[list[float], float]:
    """Each client asks for the URLs in turn, ``requests`` times, all clients at once."""
    times: list[float] = []
    lock = threading.Lock()

    def client(opener, offset: int) -> None:
        mine = []
        for number in range(requests):
            mine.append(timed(opener, urls[(number + offset) % len(urls)])[0])
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=client, args=(opener, offset)) for offset, opener in enumerate(openers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, time.perf_counter() - started


def summary(label: str, times: list[float], size: int | None = None, seconds: float | None = None) -> str:
    rate = f"{len(times) / seconds:6.1f}/s" if seconds else f"{'':>8}"
    size_text = f"{size / 1024:8.0f}" if size is not None else f"{'':>8}"
    return (f"{label:<44} {len(times):>5} {percentile(times, 0.5):>8.0f} {percentile(times, 0.95):>8.0f} "
            f"{percentile(times, 0.99):>8.0f} {max(times):>8.0f} {rate} {size_text}")


def filtered_query(database: Path) -> dict[str, str]:
    """A region and a setting that together select a few dozen providers."""
    connection = sqlite3.connect(database)
    region, setting = connection.execute(
        "SELECT r.code, p.setting FROM provider p JOIN region r ON r.id = p.region_id "
        "GROUP BY r.code, p.setting ORDER BY count(*) DESC LIMIT 1").fetchone()
    connection.close()
    return {"region": region, "setting": setting}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=2_000)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--snapshot", choices=("refresh", "synthetic"), default="refresh",
                        help="How the score snapshot is computed when the database is built.")
    parser.add_argument("--rebuild", action="store_true", help="Build the database again.")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--requests", type=int, default=60, help="Sequential requests per page.")
    parser.add_argument("--concurrency", type=int, default=4, help="Clients at once in the load test.")
    parser.add_argument("--load-requests", type=int, default=30, help="Requests per client in the load test.")
    parser.add_argument("--csv-requests", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "build":
        build_database(args.database, args.providers, args.responses, args.snapshot)
        return

    database = CACHE / f"pages-{args.providers}-{args.responses}.sqlite3"
    if args.rebuild:
        for suffix in (".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".snapshot"):
            database.with_suffix(suffix).unlink(missing_ok=True)
    if not database.exists():
        print(f"Building a database of {args.providers:,} providers and {args.responses:,} responses "
              "(kept for later runs)…", flush=True)
        started = time.monotonic()
        # In a child process, so the measuring process stays small.
        subprocess.run([sys.executable, __file__, "--child", "build", "--database", str(database),
                        "--providers", str(args.providers), "--responses", str(args.responses),
                        "--snapshot", args.snapshot], check=True)
        print(f"Built {database.relative_to(ROOT)} in {time.monotonic() - started:.0f} s "
              f"({database.stat().st_size / 2**30:.2f} GB).", flush=True)
    if args.build_only:
        return
    how = database.with_suffix(".snapshot").read_text() if database.with_suffix(".snapshot").exists() else "?"
    connection = sqlite3.connect(database)
    counts = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("provider", "response", "answer", "provider_score", "group_score")}
    connection.close()
    print(f"Python {platform.python_version()} · SQLite {sqlite3.sqlite_version} · {os.cpu_count()} CPUs · "
          f"gunicorn {args.workers} workers")
    print(f"Database: {counts['provider']:,} providers, {counts['response']:,} responses, {counts['answer']:,} "
          f"answers; snapshot: {counts['provider_score']:,} provider scores, {counts['group_score']:,} group scores, "
          + ("computed by refresh_scores() over every response" if how == "refresh" else
             "computed by survey_app.scores.compute from a synthetic respondent frame (no SQL aggregation)"
             if how == "synthetic" else "computed by an unknown method"))

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(database, port, args.workers)
    try:
        opener = signed_in_opener(base)
        page = f"{base}/staff/providers"
        filtered = f"{page}?{urllib.parse.urlencode(filtered_query(database))}"
        csv_url = f"{base}/staff/providers.csv"
        shown = {url: what_is_shown(opener, url) for url in (page, filtered)}
        with opener.open(csv_url, timeout=120) as answer:
            csv_rows = answer.read().decode("utf-8-sig").count("\n") - 1
        print(f"Shown: page 1 {shown[page][0]} rows of {shown[page][1]}; filtered page "
              f"{shown[filtered][0]} rows of {shown[filtered][1]}; CSV {csv_rows:,} rows.")
        if not shown[page][0] or csv_rows < shown[page][0]:
            raise SystemExit("The page shows no providers: the measurement would be meaningless.")
        load_before = os.getloadavg()[0]
        rows = []
        times, size = sequential(opener, page, args.requests)
        rows.append(summary("list, page 1 (sequential)", times, size))
        page_p95 = percentile(times, 0.95)
        times, size = sequential(opener, filtered, args.requests)
        rows.append(summary("list, filtered: region + setting (sequential)", times, size))
        filtered_p95 = percentile(times, 0.95)
        openers = [opener] + [signed_in_opener(base) for _ in range(args.concurrency - 1)]
        times, seconds = concurrent(openers, [page, filtered], args.load_requests)
        rows.append(summary(f"list, page 1 + filtered ({args.concurrency} clients at once)", times, None, seconds))
        load_p95 = percentile(times, 0.95)
        times, size = sequential(opener, csv_url, args.csv_requests)
        rows.append(summary("CSV export of the whole table (sequential)", times, size))
        load_after = os.getloadavg()[0]
    finally:
        stop_server(server)

    print()
    print(f"{'request':<44} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'rate':>8} "
          f"{'KB':>8}")
    for row in rows:
        print(row)
    print()
    for label, value in (("page 1", page_p95), ("filtered", filtered_p95), ("under load", load_p95)):
        verdict = "met" if value <= TARGET_P95_MS else "MISSED"
        print(f"Target p95 ≤ {TARGET_P95_MS:.0f} ms for the list page, {label}: {value:.0f} ms — {verdict}.")
    print(f"Load average: {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} CPUs "
          "(the machine is shared; a busy machine lengthens every figure).")
    print(json.dumps({"page_p95_ms": round(page_p95, 1), "filtered_p95_ms": round(filtered_p95, 1),
                      "load_p95_ms": round(load_p95, 1)}))


if __name__ == "__main__":
    main()
