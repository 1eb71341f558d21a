"""What the load benchmarks share: a throwaway PostgreSQL migrated and seeded like production, valid
random questionnaires, gunicorn started and stopped, and CPU accounting on a shared machine.

Used by ``bench_submit.py`` and ``bench_faults.py``; not a benchmark itself.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from tests.support.postgres import PostgresCluster, PostgresUnavailable, start_cluster  # noqa: E402

SYSTEM_PACKAGES = "apt-get install postgresql wrk  (Debian/Ubuntu; the PostgreSQL server binaries and wrk)"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Answers people give: mostly positive, a few "not applicable", a few left out (nothing is required).
LIKERT_WEIGHTS = {"1": 4, "2": 6, "3": 15, "4": 35, "5": 32, "na": 5}
SKIPPED_SHARE = 0.04
COMMENTS_GOOD = (
    "Қызметкерлер өте мейірімді, рахмет!", "Тамақ дәмді, бөлме жылы.", "Персонал внимательный и вежливый.",
    "Спасибо за заботу о маме.", "Всё хорошо, особенно занятия с психологом.", "Все дуже добре, дякую.",
    "Friendly staff and clean rooms.", "Жақсы", "Хорошо",
)
COMMENTS_IMPROVE = (
    "Кезек ұзақ, күту залы тар.", "Хотелось бы больше прогулок на улице.", "Долго ждать приёма у врача.",
    "Мало информации о наших правах.", "Потрібно більше занять для дітей.", "Please add evening hours.",
    "Санитарка кричит на нас и грубит.",  # a comment a monitor must see: raises a safeguarding alert
)


@dataclass
class Questionnaire:
    """One valid questionnaire for one provider: where it goes and what it says (no key yet)."""

    link_code: str
    language: str
    mode: str
    answers: dict
    stored_answers: int  # answer rows it makes (profile questions are columns of the response)

    def body(self, key: str) -> bytes:
        return json.dumps({"submission_key": key, "language": self.language, "mode": self.mode,
                           "answers": self.answers}, ensure_ascii=False).encode()

    @property
    def path(self) -> str:
        return f"/s/{self.link_code}/responses"


@dataclass
class Site:
    """A migrated and seeded throwaway PostgreSQL and the production environment to serve it."""

    cluster: PostgresCluster
    database_url: str
    environment: dict
    scratch: Path
    questionnaires: list[Questionnaire] = field(default_factory=list)
    settings: dict = field(default_factory=dict)  # provider setting -> number of providers

    def stop(self) -> None:
        self.cluster.stop()


def scratch_folder(name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f"sapa-{name}-"))
    return folder


def production_environment(database_url: str, instance: Path) -> dict:
    """What a production server gets: ``SAPA_ENV=production``, a generated key, the database."""
    return dict(os.environ, SAPA_ENV="production", DATABASE_URL=database_url,
                SECRET_KEY=secrets.token_hex(32), SAPA_INSTANCE_PATH=str(instance),
                PYTHONDONTWRITEBYTECODE="1", FLASK_APP="wsgi.py")


def build_site(name: str, providers: int, questionnaires_per_provider: int, seed: int,
               durable: bool = True) -> Site:
    """Start PostgreSQL, migrate with ``flask db upgrade``, load the reference lists, Sapa Core and an
    open campaign of ``providers`` providers of mixed settings, and make valid questionnaires.

    ``durable``: switch fsync and synchronous commit back on (the test cluster runs without them), so
    a commit waits for the disk as it does in production.
    """
    try:
        cluster = start_cluster()
    except PostgresUnavailable as error:
        raise SystemExit(f"{error}\nInstall: {SYSTEM_PACKAGES}") from None
    try:
        if durable:
            _durable(cluster)
        database_url = cluster.create_database("sapa_bench")
        scratch = scratch_folder(name)
        environment = production_environment(database_url, scratch / "instance")
        migrated = subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=environment,
                                  capture_output=True, text=True)
        if migrated.returncode != 0:
            raise SystemExit(f"flask db upgrade failed:\n{migrated.stderr}")
        site = Site(cluster, database_url, environment, scratch)
        _seed(site, providers, questionnaires_per_provider, seed)
        return site
    except BaseException:
        cluster.stop()
        raise


def _durable(cluster: PostgresCluster) -> None:
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres",
                         autocommit=True) as connection:
        connection.execute("ALTER SYSTEM SET fsync = on")
        connection.execute("ALTER SYSTEM SET synchronous_commit = on")
        connection.execute("ALTER SYSTEM SET full_page_writes = on")
    # The command-line options of start() would win over ALTER SYSTEM: restart without them.
    restart_postgres(cluster, "fast")


def restart_postgres(cluster: PostgresCluster, mode: str) -> None:
    """``pg_ctl stop -m <mode>`` then start, logging to the cluster's log file.

    Not ``pg_ctl restart``: that starts the server with its output on pg_ctl's own, which is a pipe here;
    nobody reads it once pg_ctl is done, and the server stops when the pipe is full.
    """
    cluster._run("pg_ctl", "-D", str(cluster.datadir), "-m", mode, "-w", "stop")
    options = f"-p {cluster.port} -k {cluster.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
    cluster._run("pg_ctl", "-D", str(cluster.datadir), "-o", options, "-l", str(cluster.root / "log"), "-w",
                 "-t", "120", "start")


def database_settings(database_url: str) -> dict:
    import psycopg

    with psycopg.connect(database_url.replace("postgresql+psycopg", "postgresql")) as connection:
        return {name: connection.execute(f"SHOW {name}").fetchone()[0]
                for name in ("server_version", "fsync", "synchronous_commit", "shared_buffers", "max_connections")}


def _seed(site: Site, providers: int, per_provider: int, seed: int) -> None:
    """Reference lists, Sapa Core, providers of every setting and an open campaign (through the app)."""
    saved = dict(os.environ)
    os.environ.update({key: site.environment[key] for key in ("SAPA_ENV", "DATABASE_URL", "SECRET_KEY",
                                                                "SAPA_INSTANCE_PATH")})
    try:
        from sqlalchemy import select

        from survey_app import create_app
        from survey_app.campaigns.services import enrol_provider
        from survey_app.demo.providers import KINDS, NGO_NAMES, TOWNS
        from survey_app.extensions import db
        from survey_app.instruments.runtime import compiled_instrument
        from survey_app.instruments.services import load_standard_instrument
        from survey_app.models import Campaign, Provider, RecipientCategory, Region, ServiceStandard, ServiceType
        from survey_app.models.base import today
        from survey_app.reference.loader import load_reference
        from survey_app.responses.store import context_values

        rng = random.Random(seed)
        app = create_app()
        with app.app_context():
            load_reference()
            version = load_standard_instrument()
            regions = {row.code: row for row in db.session.scalars(select(Region).where(Region.country == "KZ"))}
            services = {row.code: row for row in db.session.scalars(select(ServiceType))}
            standards = {row.code: row for row in db.session.scalars(select(ServiceStandard))}
            categories = {row.code: row for row in db.session.scalars(select(RecipientCategory))}
            campaign = Campaign(code="bench-load", name="Sapa Core · load benchmark", instrument_version=version,
                                country="KZ", default_language="kk", wave=1, starts_on=today() - timedelta(days=30),
                                ends_on=today() + timedelta(days=60))
            db.session.add(campaign)
            kinds = [kind for kind in KINDS if kind.count_kz]
            # Every kind at least once (every module of the skip logic), then in the country's mix.
            plan = kinds[:providers] + rng.choices(kinds, weights=[kind.count_kz for kind in kinds],
                                                   k=max(0, providers - len(kinds)))
            participants = []
            for number, kind in enumerate(plan, start=1):
                region = rng.choice(sorted(regions))
                town = rng.choice(TOWNS.get(region, ["Астана"]))
                provider = Provider(code=f"load-{number:03d}", org_form=kind.org_form, setting=kind.setting,
                                    region=regions[region], recipients_served=rng.randint(*kind.size),
                                    name=f"{kind.name_kz.format(town=town, ngo=rng.choice(NGO_NAMES))} (№{number})")
                provider.services = [services[code] for code in kind.services if code in services]
                provider.standards = [standards[code] for code in kind.standards if code in standards]
                provider.categories = [categories[code] for code in kind.categories if code in categories]
                db.session.add(provider)
                db.session.flush()
                participants.append(enrol_provider(campaign, provider))
                site.settings[kind.setting] = site.settings.get(kind.setting, 0) + 1
            db.session.commit()
            instrument = compiled_instrument(version)
            with app.test_request_context():
                for participant in participants:
                    context = context_values(participant)
                    served = [category.code for category in participant.provider.categories]
                    for _ in range(per_provider):
                        site.questionnaires.append(
                            _questionnaire(instrument, participant.link_code, context, served, rng))
            db.session.remove()
            db.engine.dispose()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    rng.shuffle(site.questionnaires)


def _questionnaire(instrument, link_code: str, context: dict, served: list[str], rng: random.Random):
    """Random answers that the instrument's own rules accept (skip logic, constraints), checked here."""
    from survey_app.responses.store import answer_rows
    from survey_app.responses.validation import check_answers, read_answers

    language = rng.choices(("kk", "ru", "en"), weights=(55, 42, 3))[0]
    for _attempt in range(50):
        values = dict(context)
        answers: dict = {}
        for page in instrument.pages:
            if not instrument.is_relevant(page.conditions, values):
                continue
            for question in instrument.relevant_questions(page, values):
                value = _answer(question, served, rng)
                if value is not None:
                    answers[question.name] = value
                    values[question.name] = value
        read, problems = read_answers(instrument, answers, codes=False)
        problems += check_answers(instrument, context, read, language)
        if not problems:
            stored = len(answer_rows(instrument, {**context, **read}, read, 0))
            return Questionnaire(link_code, language, rng.choice(("kiosk", "web")), answers, stored)
    raise RuntimeError(f"No valid random questionnaire for {link_code}: {problems}")


def _answer(question, served: list[str], rng: random.Random):
    if rng.random() < SKIPPED_SHARE and question.type != "note":
        return None
    names = [option.name for option in question.options]
    if question.type == "note":
        return None
    if question.name == "assistance":
        return rng.choices(names, weights=[75, 17, 8][:len(names)] + [1] * max(0, len(names) - 3))[0]
    if question.name == "recipient_category" and served and rng.random() < 0.85:
        return rng.choice([code for code in served if code in names] or names)
    if question.type == "select_one":
        if set(names) <= set(LIKERT_WEIGHTS):
            return rng.choices(names, weights=[LIKERT_WEIGHTS[name] for name in names])[0]
        if "10" in names:  # likelihood to recommend, 0–10: most say 8–10
            return rng.choices(names, weights=[1, 1, 1, 1, 2, 3, 4, 8, 15, 20, 30, 4][:len(names)])[0]
        return rng.choice(names)
    if question.type == "select_multiple":
        chosen = [name for name in names if name != "na" and rng.random() < 0.3]
        return chosen or None
    if question.type == "text":
        pool = COMMENTS_IMPROVE if "improve" in question.name else COMMENTS_GOOD
        return rng.choice(pool) if rng.random() < 0.35 else None
    if question.type in ("integer", "decimal", "range"):
        start = float(question.parameters.get("start", 0))
        end = float(question.parameters.get("end", 100 if question.type != "range" else 10))
        value = rng.uniform(min(start, end), max(start, end))
        return str(round(value)) if question.type != "decimal" else f"{value:.1f}"
    return None


# --- gunicorn --------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    worker_class: str
    threads: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        return children_of(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_server(environment: dict, app: str = "wsgi:app", workers: int = 2, worker_class: str = "gthread",
                 threads: int = 4, timeout: int = 30, log: Path | None = None, attempts: int = 3) -> Server:
    """gunicorn on loopback with production settings; waits for ``/healthz`` (which reads the database).

    Tried again on a new port when gunicorn stops at once (another process took the free port meanwhile).
    """
    for attempt in range(1, attempts + 1):
        try:
            return _start_server(environment, app, workers, worker_class, threads, timeout, log)
        except ServerStopped as stopped:
            if attempt == attempts:
                raise SystemExit(f"gunicorn stopped before answering, {attempts} times; the last lines of its "
                                 f"log:\n{stopped}") from None
            print(f"  (gunicorn stopped before answering; starting it again: {str(stopped).splitlines()[-1:]})",
                  flush=True)
    raise AssertionError("unreachable")


class ServerStopped(RuntimeError):
    """gunicorn exited before it answered; the message is the end of its log."""


def _start_server(environment: dict, app: str, workers: int, worker_class: str, threads: int, timeout: int,
                  log: Path | None) -> Server:
    port = free_port()
    gunicorn = shutil.which("gunicorn", path=str(BIN)) or "gunicorn"
    command = [gunicorn, "--workers", str(workers), "--worker-class", worker_class, "--bind", f"127.0.0.1:{port}",
               "--timeout", str(timeout), "--graceful-timeout", "5", "--log-level", "warning",
               "--backlog", "2048", "--pythonpath", str(ROOT / "benchmarks")]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    start = log.stat().st_size if log and log.exists() else 0
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - kept open for the server's life
    process = subprocess.Popen([*command, app], cwd=ROOT, env=environment, start_new_session=True,
                               stdout=output, stderr=output)
    server = Server(process, port, worker_class, threads if worker_class == "gthread" else 1)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_bytes()[start:].decode(errors="replace").strip().splitlines()[-15:] if log else []
            raise ServerStopped("\n".join(tail) or f"exit status {process.returncode}")
        if len(server.worker_pids()) >= workers and healthy(server.base):
            return server
        time.sleep(0.3)
    server.stop()
    raise SystemExit("gunicorn did not answer within 90 seconds.")


def healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
            return answer.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


# --- processes and CPU ------------------------------------------------------------------------------------

def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from "state" on; the name may hold spaces


def children_of(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[1]) == pid:
                children.append(int(entry.name))
    return sorted(children)


def cpu_seconds(pid: int, with_children: bool = True) -> float:
    """CPU time of a process, its reaped children and (``with_children``) its live children."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    ticks = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    seconds = ticks / CLOCK_TICKS
    if with_children:
        seconds += sum(cpu_seconds(child, with_children=False) for child in children_of(pid))
    return seconds


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    total = sum(fields[:8])
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


def postmaster_pid(cluster: PostgresCluster) -> int:
    return int((cluster.datadir / "postmaster.pid").read_text().split("\n", 1)[0])


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


@dataclass
class CpuMeter:
    """CPU used by the server, PostgreSQL, the load generator and everything else on the machine."""

    server_pid: int
    postgres_pid: int
    started: dict = field(default_factory=dict)

    def _read(self) -> dict:
        busy, total = machine_busy_seconds()
        return {"server": cpu_seconds(self.server_pid), "postgres": cpu_seconds(self.postgres_pid),
                "busy": busy, "total": total, "wall": time.monotonic()}

    def start(self) -> None:
        self.started = self._read()

    def stop(self, load_generator_seconds: float) -> dict:
        ended = self._read()
        used = {key: ended[key] - self.started[key] for key in ended}
        cores = used["total"] / used["wall"]
        return {
            "wall": used["wall"], "cores": cores, "server": used["server"], "postgres": used["postgres"],
            "load_generator": load_generator_seconds,
            "others": max(0.0, used["busy"] - used["server"] - used["postgres"] - load_generator_seconds),
            "idle": used["total"] - used["busy"],
        }


def describe_cpu(cpu: dict) -> str:
    capacity = cpu["wall"] * cpu["cores"]

    def share(seconds: float) -> str:
        return f"{seconds:6.1f} s ({100 * seconds / capacity:4.1f} %)"

    return (f"    CPU over {cpu['wall']:.0f} s on {cpu['cores']:.0f} cores ({capacity:.0f} core-seconds):\n"
            f"      gunicorn (app)      {share(cpu['server'])}\n"
            f"      PostgreSQL          {share(cpu['postgres'])}\n"
            f"      load generator      {share(cpu['load_generator'])}\n"
            f"      other processes     {share(cpu['others'])}   (other users of this machine)\n"
            f"      idle                {share(cpu['idle'])}")


def query(database_url: str, sql: str, *parameters) -> list[tuple]:
    import psycopg

    with psycopg.connect(database_url.replace("postgresql+psycopg", "postgresql")) as connection:
        return connection.execute(sql, parameters).fetchall()


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]
