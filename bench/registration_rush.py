"""Registration rush on the production topology: many people register at once, over HTTP.

Run: .venv/bin/python -m bench.registration_rush [--duration 20] [--clients 10,50,200]
     [--skip-pages] [--workers N --threads N] [--generators 2]
Needs the local PostgreSQL (127.0.0.1:5432, trust) and Redis (127.0.0.1:6379); every database
it uses is its own, dropped after. Measures, and prints as one table:

- the rush: gunicorn, a Celery worker and beat (bench.topology, the Procfile) on PostgreSQL; each
  virtual user is an ``httpx.AsyncClient`` with its own cookie jar that, in a closed loop for
  ``--duration`` seconds after a short warm-up, GETs ``/seminars/<slug>/register``, takes the
  CSRF token, the submission id, the session cookie and the offered sessions from the page and
  POSTs a complete registration of a new person; a 302 to ``/r/<token>/welcome`` is a success.
  At each of ``--clients`` concurrent users, on a seminar of its own (3 sessions, a partner told
  of every registration from Mongolia; the largest phase's seminar holds half of what the phase
  before registered, so its waiting list fills): registrations per second, POST p50/p95/p99,
  GET p50/p99, errors; then, in the database, registrations stored against successes reported,
  outbox rows against the emails those successes cause, and the capacity held;
- the same rush against a bare Flask endpoint (bench.bare_app: one INSERT of the same row, no
  forms, CSRF or outbox) served by the same gunicorn settings, and the ratio ours/bare; beside
  it, the gunicorn workers' CPU time per success (GET + POST) of each, which moves less than
  the rates when the machine's speed drifts;
- pages on a seminar of 100,000 registrations (bench.reports builds it): the public seminar page
  and the per-country report (an organiser signed in through ``/login``) at 50 clients;
- memory: each gunicorn worker's peak resident memory (VmHWM) after the rush and the pages.

Per-address rate limits are switched off (SEMINAR_REG_RATELIMIT_ENABLED=false): every request
comes from 127.0.0.1. The load generator runs in ``--generators`` processes on the same two
cores as the server; its CPU time and the machine's busy share are printed beside each phase.

Targets (issue 8): at 50 clients at least 200 registrations/s with POST p99 under 500 ms and no
error; ours/bare at least 0.5.
"""

import argparse
import asyncio
import itertools
import os
import re
import runpy
import ssl
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from multiprocessing import get_context

import httpx
import sqlalchemy as sa

from bench import bare_app, reports
from bench.databases import scratch_postgres
from bench.topology import ROOT, Topology, cpu_seconds, peak_rss_kib, running
from seminar_reg import create_app
from seminar_reg.accounts.models import Organiser
from seminar_reg.accounts.services import create_organiser
from seminar_reg.extensions import db, utcnow
from seminar_reg.mail.models import OutboxMessage
from seminar_reg.partners.models import NotificationMode, Partner, PartnerRole
from seminar_reg.registration.models import Registration, RegistrationStatus
from seminar_reg.seminars.models import Seminar, SeminarSession, SeminarStatus

WARM_UP = 2.0
PAGE_CLIENTS = 50
PAGE_REGISTRATIONS = 100_000
TARGET_RATE, TARGET_P99, TARGET_RATIO = 200, 0.5, 0.5
NO_RATE_LIMITS = {"SEMINAR_REG_RATELIMIT_ENABLED": "false"}
ORGANISER_PASSWORD = "a long organiser passphrase"  # noqa: S105 (a scratch database's account)
#: the partner hears of every registration from these countries
PARTNER_SCOPE = ("MN",)
COUNTRIES = ("MN", "CN", "KH", "PK", "MY", "SG")
GIVEN = ("Оюунчимэг", "Батбаяр", "芳", "Wei", "Sokha", "Ayesha", "Nurul", "Anna")
FAMILY = ("Батсүх", "Дорж", "王", "Chan", "Chea", "Khan", "Abdullah", "Tan")
ROLES = ("leader", "teacher", "expert", "official", "student", "other")
GENDERS = ("female", "male", "other", "")
WELCOME = re.compile(r"/r/[^/]+/welcome")
TIMEOUT = httpx.Timeout(60.0)


def _hidden(name: str, page: str) -> str | None:
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*\bvalue="([^"]*)"', page)
    return match.group(1) if match else None


def _offered_sessions(page: str) -> list[str]:
    return re.findall(r'<input[^>]*\bname="sessions"[^>]*\bvalue="(\d+)"', page)


def _person(email: str, number: int) -> dict:
    country = COUNTRIES[number % len(COUNTRIES)]
    return {
        "given_name": GIVEN[number % len(GIVEN)],
        "family_name": FAMILY[number % len(FAMILY)],
        "email": email,
        "position": "Vice director",
        "role_category": ROLES[number % len(ROLES)],
        "gender": GENDERS[number % len(GENDERS)],
        "country": country,
        # A few dozen institutions per country: most people find theirs, some add a new one.
        "institution_name": f"{country} Polytechnic College {number % 37}",
        "institution_type": "tvet_institute",
        "language": "en",
        "timezone": "Asia/Ulaanbaatar",
        "consent": "y",
    }


@dataclass(frozen=True)
class Window:
    """A phase's clock (time.monotonic, the same in every process): users start at ``start``,
    the figures count what finished between ``measured_from`` and ``end``, when users stop."""

    start: float
    measured_from: float
    end: float

    @property
    def measured(self) -> float:
        return self.end - self.measured_from

    def counts(self, instant: float) -> bool:
        return self.measured_from <= instant <= self.end


@dataclass
class Tally:
    """What the load generator saw in one phase (one process's, or every process's merged)."""

    get_seconds: list[float] = field(default_factory=list)
    post_seconds: list[float] = field(default_factory=list)
    #: successes finished inside the measured window
    measured: int = 0
    #: every success of the phase, warm-up and the requests in flight at the end included
    successes: int = 0
    #: successes the partner hears of
    in_partner_scope: int = 0
    errors: Counter = field(default_factory=Counter)
    #: the first answer of each kind of error, to tell what went wrong
    examples: dict[str, str] = field(default_factory=dict)
    cpu_seconds: float = 0.0

    def error(self, kind: str, example: str = "") -> None:
        self.errors[kind] += 1
        self.examples.setdefault(kind, example[:300])

    def merge(self, other: "Tally") -> None:
        self.get_seconds += other.get_seconds
        self.post_seconds += other.post_seconds
        self.measured += other.measured
        self.successes += other.successes
        self.in_partner_scope += other.in_partner_scope
        self.errors.update(other.errors)
        for kind, example in other.examples.items():
            self.examples.setdefault(kind, example)
        self.cpu_seconds += other.cpu_seconds


@dataclass(frozen=True)
class Job:
    """One generator process's part of a phase."""

    base_url: str
    path: str
    users: range
    window: Window
    #: "rush": GET the form, POST a registration; "page": GET the page
    kind: str = "rush"
    #: unique per phase and process: the people's emails are made of it
    tag: str = ""
    cookies: tuple[tuple[str, str], ...] = ()
    require_csrf: bool = True


async def _get(client: httpx.AsyncClient, job: Job, tally: Tally) -> httpx.Response | None:
    """The job's page, or None with the error counted."""
    try:
        page = await client.get(job.path)
    except httpx.HTTPError as error:
        tally.error(f"GET {type(error).__name__}", str(error))
        await asyncio.sleep(0.1)
        return None
    if page.status_code != 200:
        tally.error(f"GET {page.status_code}", page.text)
        return None
    return page


async def _rush_user(client: httpx.AsyncClient, job: Job, user: int, tally: Tally) -> None:
    for number in itertools.count():
        if time.monotonic() >= job.window.end:
            return
        began = time.monotonic()
        page = await _get(client, job, tally)
        got = time.monotonic()
        if page is None:
            continue
        csrf_token = _hidden("csrf_token", page.text)
        if job.require_csrf and not csrf_token:
            tally.error("no CSRF token in the form", page.text)
            continue
        sessions = _offered_sessions(page.text)
        if not sessions:
            tally.error("no sessions offered in the form", page.text)
            continue
        if job.window.counts(got):
            tally.get_seconds.append(got - began)
        person = _person(f"{job.tag}-{user}-{number}@example.org", number + user)
        body = {
            **person,
            "sessions": sessions,
            "submission_id": _hidden("submission_id", page.text) or "",
            "csrf_token": csrf_token or "",
        }
        try:
            response = await client.post(job.path, data=body)
        except httpx.HTTPError as error:
            tally.error(f"POST {type(error).__name__}", str(error))
            await asyncio.sleep(0.1)
            continue
        done = time.monotonic()
        if response.status_code == 302 and WELCOME.fullmatch(response.headers["location"]):
            tally.successes += 1
            tally.in_partner_scope += person["country"] in PARTNER_SCOPE
            if job.window.counts(done):
                tally.measured += 1
                tally.post_seconds.append(done - got)
        else:
            tally.error(f"POST {response.status_code}", response.text)


async def _page_user(client: httpx.AsyncClient, job: Job, _user: int, tally: Tally) -> None:
    while time.monotonic() < job.window.end:
        began = time.monotonic()
        page = await _get(client, job, tally)
        done = time.monotonic()
        if page is not None and job.window.counts(done):
            tally.measured += 1
            tally.get_seconds.append(done - began)


async def _measure_cpu(window: Window, tally: Tally) -> None:
    await asyncio.sleep(max(0.0, window.measured_from - time.monotonic()))
    before = time.process_time()
    await asyncio.sleep(max(0.0, window.end - time.monotonic()))
    tally.cpu_seconds = time.process_time() - before


async def _users(job: Job) -> Tally:
    tally = Tally()
    user_loop = _rush_user if job.kind == "rush" else _page_user
    tls = ssl.create_default_context()  # one for all: httpx would build one per client
    clients = [
        httpx.AsyncClient(
            base_url=job.base_url, timeout=TIMEOUT, verify=tls, cookies=dict(job.cookies)
        )
        for _ in job.users
    ]
    await asyncio.sleep(max(0.0, job.window.start - time.monotonic()))
    try:
        await asyncio.gather(
            _measure_cpu(job.window, tally),
            *(
                user_loop(client, job, user, tally)
                for client, user in zip(clients, job.users, strict=True)
            ),
        )
    finally:
        for client in clients:
            await client.aclose()
    return tally


def _generate(job: Job) -> Tally:
    return asyncio.run(_users(job))


def _machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of every core since boot."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def idle_check(seconds: float = 2.0) -> float:
    """How busy the machine is without us: other work skews every figure."""
    busy_before, total_before = _machine_busy()
    time.sleep(seconds)
    busy_after, total_after = _machine_busy()
    return (busy_after - busy_before) / max(1, total_after - total_before)


@dataclass
class Phase:
    clients: int
    tally: Tally
    window: Window
    #: share of the machine's CPU busy during the measured window, and the generator's share
    machine_busy: float
    generator_share: float
    #: CPU time of the gunicorn workers over the whole phase (warm-up included, as successes are)
    web_cpu_seconds: float = 0.0

    @property
    def web_cpu_per_success(self) -> float:
        """Seconds of web CPU per successful request: steadier than the rate on a shared VM,
        whose speed and other tenants move every rate by tens of percent within an hour."""
        return self.web_cpu_seconds / max(1, self.tally.successes)

    @property
    def rate(self) -> float:
        return self.tally.measured / self.window.measured


def load(
    base_url: str,
    path: str,
    clients: int,
    duration: float,
    generators: int,
    *,
    kind: str = "rush",
    cookies: dict | None = None,
    require_csrf: bool = True,
) -> Phase:
    """``clients`` users split over ``generators`` processes, for ``WARM_UP`` + ``duration`` s."""
    start = time.monotonic() + 1.0  # the processes start and open their clients meanwhile
    window = Window(start, start + WARM_UP, start + WARM_UP + duration)
    processes = min(generators, clients)
    tag = uuid.uuid4().hex[:8]
    jobs = [
        Job(
            base_url,
            path,
            range(number, clients, processes),
            window,
            kind=kind,
            tag=f"rush-{tag}-{number}",
            cookies=tuple((cookies or {}).items()),
            require_csrf=require_csrf,
        )
        for number in range(processes)
    ]
    with ProcessPoolExecutor(processes, mp_context=get_context("fork")) as pool:
        futures = [pool.submit(_generate, job) for job in jobs]
        time.sleep(max(0.0, window.measured_from - time.monotonic()))
        busy_before, total_before = _machine_busy()
        time.sleep(max(0.0, window.end - time.monotonic()))
        busy_after, total_after = _machine_busy()
        tally = Tally()
        for future in futures:
            tally.merge(future.result())
    return Phase(
        clients,
        tally,
        window,
        machine_busy=(busy_after - busy_before) / max(1, total_after - total_before),
        generator_share=tally.cpu_seconds / (window.measured * (os.cpu_count() or 1)),
    )


def client_cpu(phase: Phase) -> str:
    """The generator's CPU seconds in the measured window, and its share of the machine."""
    return f"{phase.tally.cpu_seconds:.1f} s {phase.generator_share:>4.0%}"


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile, in seconds; NaN without values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def ms(seconds: float) -> str:
    return "-" if seconds != seconds else f"{seconds * 1000:.0f}"


# --- the application's side ----------------------------------------------------------------------


def _app(database: str):
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database,
            "SECRET_KEY": "bench",
            "OUTBOX_DISPATCH": "none",
        }
    )


def open_seminar(app, slug: str, capacity: int | None) -> int:
    """A published seminar open for registration, 3 sessions, a partner in Mongolia; its id."""
    now = utcnow().replace(microsecond=0)
    first = now + timedelta(days=30)
    with app.app_context():
        seminar = Seminar(
            slug=slug,
            title="Digital and green transitions in TVET",
            timezone="Asia/Ulaanbaatar",
            status=SeminarStatus.PUBLISHED,
            published_at=now,
            registration_opens_at=now - timedelta(days=1),
            registration_closes_at=first - timedelta(hours=1),
            capacity=capacity,
            contact_email="unevoc@example.org",
            organisers=list(db.session.execute(sa.select(Organiser)).scalars()),
        )
        for number in range(1, 4):
            begins = first + timedelta(days=number - 1)
            seminar.sessions.append(
                SeminarSession(
                    position=number,
                    title=f"Session {number}",
                    starts_at=begins,
                    ends_at=begins + timedelta(hours=2),
                    join_url=f"https://meet.example.org/{slug}/{number}",
                )
            )
        seminar.partners.append(
            Partner(
                position=1,
                organisation="VETP",
                role=PartnerRole.CO_ORGANISER,
                country="MN",
                contact_emails=["vetp@example.org"],
                scope_countries=list(PARTNER_SCOPE),
                notification_mode=NotificationMode.EACH_REGISTRATION,
            )
        )
        db.session.add(seminar)
        db.session.commit()
        return seminar.id


@dataclass
class Stored:
    registrations: int
    confirmed: int
    waitlisted: int
    outbox: Counter
    capacity: int | None


def stored(app, seminar_id: int) -> Stored:
    with app.app_context():
        statuses = dict(
            db.session.execute(
                sa.select(Registration.status, sa.func.count())
                .where(Registration.seminar_id == seminar_id)
                .group_by(Registration.status)
            ).all()
        )
        outbox = Counter(
            dict(
                db.session.execute(
                    sa.select(OutboxMessage.kind, sa.func.count())
                    .where(OutboxMessage.seminar_id == seminar_id)
                    .group_by(OutboxMessage.kind)
                ).all()
            )
        )
        capacity = db.session.get(Seminar, seminar_id).capacity
        db.session.remove()
    return Stored(
        sum(statuses.values()),
        statuses.get(RegistrationStatus.CONFIRMED, 0),
        statuses.get(RegistrationStatus.WAITLISTED, 0),
        outbox,
        capacity,
    )


def measured_load(topology: Topology, path: str, clients: int, args, **options) -> Phase:
    """A phase of ``load``, with the CPU time the gunicorn workers spent on it."""
    before = cpu_seconds(topology.web_worker_pids())
    phase = load(topology.base_url, path, clients, args.duration, args.generators, **options)
    after = cpu_seconds(topology.web_worker_pids())
    phase.web_cpu_seconds = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
    return phase


def worker_peaks(topology: Topology) -> list[int]:
    """Each gunicorn worker's peak resident memory, in MiB."""
    return [round(peak_rss_kib(pid) / 1024) for pid in topology.web_worker_pids()]


def server_settings(topology: Topology) -> str:
    """What gunicorn runs with: the workers it started, the threads gunicorn.conf.py gave them."""
    threads = runpy.run_path(str(ROOT / "gunicorn.conf.py"), init_globals={})["threads"]
    threads = topology.env.get("WEB_THREADS") or threads
    return f"{len(topology.web_worker_pids())} workers x {threads} threads (gthread)"


def sign_in(base_url: str, email: str, password: str) -> dict[str, str]:
    """The cookies of an organiser signed in through the login form."""
    with httpx.Client(base_url=base_url, timeout=TIMEOUT) as client:
        page = client.get("/login")
        form = {
            "email": email,
            "password": password,
            "csrf_token": _hidden("csrf_token", page.text),
        }
        answer = client.post("/login", data=form)
        if answer.status_code != 302:
            raise RuntimeError(f"signing in failed: {answer.status_code} {answer.text[:300]}")
        return dict(client.cookies)


# --- the phases ----------------------------------------------------------------------------------

HEADER = (
    f"{'server':<10}{'clients':>8}{'reg/s':>9}{'POST p50':>10}{'p95':>6}{'p99 ms':>8}"
    f"{'GET p50':>9}{'p99 ms':>8}{'errors':>8}{'client CPU':>13}{'machine busy':>14}"
)


def print_phase(server: str, phase: Phase) -> None:
    tally = phase.tally
    posts, gets = tally.post_seconds, tally.get_seconds
    print(
        f"{server:<10}{phase.clients:>8}{phase.rate:>9.1f}{ms(percentile(posts, 0.5)):>10}"
        f"{ms(percentile(posts, 0.95)):>6}{ms(percentile(posts, 0.99)):>8}"
        f"{ms(percentile(gets, 0.5)):>9}{ms(percentile(gets, 0.99)):>8}"
        f"{sum(tally.errors.values()):>8}{client_cpu(phase):>13}{phase.machine_busy:>14.0%}",
        flush=True,
    )


def rush_ours(args, database: str, gunicorn: dict) -> tuple[list[tuple[Phase, Stored]], list[int]]:
    app = _app(database)
    with app.app_context():
        db.create_all()
        create_organiser("ann@example.org", "Ann", ORGANISER_PASSWORD)
        db.session.remove()
    results, before = [], None
    with running(database, extra_env=NO_RATE_LIMITS, **gunicorn) as topology:
        print(
            f"gunicorn {server_settings(topology)}, a Celery worker (concurrency 1) and beat,"
            " on PostgreSQL and Redis (bench.topology);\n  bare: the same gunicorn settings,"
            " the web process alone",
            flush=True,
        )
        print(
            "reg/s and latencies: what finished in the measured window; errors: the whole phase;"
            "\nclient CPU: the load generator's CPU time in that window and its share of the"
            " machine; machine busy: every process's"
        )
        print(HEADER)
        for clients in args.clients:
            capacity = None
            if clients == args.clients[-1]:
                # Half of what the phase before stored: this phase fills it and then waits.
                capacity = max(10, before // 2) if before else max(10, round(5 * args.duration))
            slug = f"rush-{clients}"
            seminar_id = open_seminar(app, slug, capacity)
            path = f"/seminars/{slug}/register"
            phase = measured_load(topology, path, clients, args)
            print_phase("ours", phase)
            results.append((phase, stored(app, seminar_id)))
            before = phase.tally.successes
        peaks = worker_peaks(topology)
    with app.app_context():
        db.engine.dispose()
    return results, peaks


def rush_bare(args, database: str, gunicorn: dict) -> tuple[list[tuple[Phase, int]], list[int]]:
    engine = sa.create_engine(database)
    bare_app.metadata.create_all(engine)
    results = []
    command = "gunicorn --config gunicorn.conf.py bench.bare_app:app"
    with running(database, web_command=command, processes=("web",), **gunicorn) as topology:
        for clients in args.clients:
            slug = f"bare-{clients}"
            path = f"/seminars/{slug}/register"
            phase = measured_load(topology, path, clients, args, require_csrf=False)
            print_phase("bare", phase)
            rows = bare_app.registrations
            with engine.connect() as connection:
                count = connection.scalar(
                    sa.select(sa.func.count()).select_from(rows).where(rows.c.seminar_slug == slug)
                )
            results.append((phase, count))
        peaks = worker_peaks(topology)
    engine.dispose()
    return results, peaks


def print_stored(results: list[tuple[Phase, Stored]]) -> None:
    print(
        "\nIn the database (ours): every success stored, its emails in the outbox (a confirmation"
        " or waiting-list notice each,\n  and the partner's for each person from"
        f" {', '.join(PARTNER_SCOPE)}), the seminar's capacity held"
    )
    print(
        f"{'clients':>8}{'successes':>11}{'stored':>8}{'confirmed':>11}{'waitlisted':>12}"
        f"{'capacity':>10}{'outbox':>8}{'expected':>10}  check"
    )
    for phase, found in results:
        tally = phase.tally
        expected = tally.successes + tally.in_partner_scope
        caused = ("confirmation", "waitlisted", "partner_registration")
        outbox = sum(found.outbox[kind] for kind in caused)
        problems = []
        if found.registrations != tally.successes:
            problems.append("stored != successes")
        if outbox != expected:
            problems.append("outbox != expected")
        if found.outbox["confirmation"] + found.outbox["waitlisted"] != tally.successes:
            problems.append("participant emails != successes")
        if found.capacity is not None and found.confirmed > found.capacity:
            problems.append("OVER CAPACITY")
        if found.capacity is not None and not found.waitlisted:
            problems.append("waiting list not reached")
        others = {kind: n for kind, n in found.outbox.items() if kind not in caused}
        if others:
            problems.append(f"other emails {others}")
        capacity = "-" if found.capacity is None else found.capacity
        print(
            f"{phase.clients:>8}{tally.successes:>11}{found.registrations:>8}{found.confirmed:>11}"
            f"{found.waitlisted:>12}{capacity:>10}{outbox:>8}{expected:>10}"
            f"  {'; '.join(problems) or 'ok'}"
        )


def pages(args, database: str, gunicorn: dict) -> tuple[list[tuple[str, Phase]], list[int]]:
    app = _app(database)
    with app.app_context():
        db.create_all()
        slug, _organiser_id = reports.build(PAGE_REGISTRATIONS)
        with db.engine.connect() as connection:
            connection.execute(sa.text("ANALYZE"))
            connection.commit()
        db.session.remove()
        db.engine.dispose()
    results = []
    print(
        f"  {'page':<22}{'req/s':>9}{'p50':>8}{'p99 ms':>8}{'errors':>8}"
        f"{'client CPU':>13}{'machine busy':>14}"
    )
    # Reading pages needs no Celery: without it no scheduled job touches the archived seminar.
    with running(database, processes=("web",), extra_env=NO_RATE_LIMITS, **gunicorn) as topology:
        organiser = sign_in(topology.base_url, "bench@example.org", "bench-password")
        for label, path, cookies in (
            ("public seminar page", f"/seminars/{slug}/", None),
            ("per-country report", f"/manage/seminars/{slug}/reports/", organiser),
        ):
            phase = load(
                topology.base_url,
                path,
                PAGE_CLIENTS,
                args.duration,
                args.generators,
                kind="page",
                cookies=cookies,
            )
            tally = phase.tally
            print(
                f"  {label:<22}{phase.rate:>9.1f}{ms(percentile(tally.get_seconds, 0.5)):>8}"
                f"{ms(percentile(tally.get_seconds, 0.99)):>8}{sum(tally.errors.values()):>8}"
                f"{client_cpu(phase):>13}{phase.machine_busy:>14.0%}",
                flush=True,
            )
            results.append((label, phase))
        peaks = worker_peaks(topology)
    return results, peaks


def print_errors(label: str, phases: list[Phase]) -> None:
    for phase in phases:
        for kind, count in phase.tally.errors.most_common():
            example = " ".join(phase.tally.examples[kind].split())[:160]
            print(f"  {label}, {phase.clients} clients: {count} x {kind}: {example}")


def parse_clients(text: str) -> list[int]:
    return sorted({int(part) for part in text.split(",") if part.strip()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    parser.add_argument("--clients", type=parse_clients, default=[10, 50, 200])
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--workers", type=int, help="gunicorn workers (bench.topology's default)")
    parser.add_argument("--threads", type=int, help="threads per worker (bench.topology's)")
    parser.add_argument("--generators", type=int, default=2, help="load generator processes")
    args = parser.parse_args()
    gunicorn = {}
    if args.workers:
        gunicorn["web_workers"] = args.workers
    if args.threads:
        gunicorn["web_threads"] = args.threads
    print(
        "Registration rush (issue 8): each virtual user GETs the registration form and POSTs a new"
        " person, in a closed loop,\n"
        f"  {args.duration:.0f} s per phase after {WARM_UP:.0f} s of warm-up. Per-address rate"
        " limits OFF (SEMINAR_REG_RATELIMIT_ENABLED=false):\n  every request comes from"
        f" 127.0.0.1. Load generator: {args.generators} processes of asyncio + httpx, one client"
        f" per user, on the\n  same {os.cpu_count()} cores as the server. Machine busy before we"
        f" start (others' work): {idle_check():.0%}",
        flush=True,
    )
    with scratch_postgres() as database:
        ours, ours_peaks = rush_ours(args, database, gunicorn)
    with scratch_postgres() as database:
        bare, bare_peaks = rush_bare(args, database, gunicorn)
    print(f"\n{'':<10}{'clients':>8}{'reg/s':>9}   gunicorn workers' CPU per success: ours, bare")
    for (mine, _stored), (floor, _count) in zip(ours, bare, strict=True):
        print(
            f"{'ours/bare':<10}{mine.clients:>8}{mine.rate / (floor.rate or 1):>9.2f}"
            f"   {mine.web_cpu_per_success * 1000:>5.1f} ms,"
            f" {floor.web_cpu_per_success * 1000:.1f} ms"
        )
    print_stored(ours)
    print("  bare: rows stored == successes at every phase: ", end="")
    print("yes" if all(count == phase.tally.successes for phase, count in bare) else "NO")
    print_errors("ours", [phase for phase, _ in ours])
    print_errors("bare", [phase for phase, _ in bare])
    page_peaks = []
    if not args.skip_pages:
        print(
            f"\nPages on a seminar of {PAGE_REGISTRATIONS:,} registrations (bench.reports builds"
            f" it), {PAGE_CLIENTS} clients, gunicorn alone"
        )
        with scratch_postgres() as database:
            page_results, page_peaks = pages(args, database, gunicorn)
        print_errors("pages", [phase for _, phase in page_results])
    print("\nPeak resident memory (VmHWM) of each gunicorn worker, MiB:")
    print(f"  ours after the rush: {', '.join(map(str, ours_peaks))}")
    print(f"  bare after the rush: {', '.join(map(str, bare_peaks))}")
    if page_peaks:
        print(f"  ours after the pages: {', '.join(map(str, page_peaks))}")
    pairs = [(mine, floor) for (mine, _), (floor, _) in zip(ours, bare, strict=True)]
    at_50 = [(mine, floor) for mine, floor in pairs if mine.clients == 50]
    if at_50:
        mine, floor = at_50[0]
        p99 = percentile(mine.tally.post_seconds, 0.99)
        errors = sum(mine.tally.errors.values())
        ratio = mine.rate / (floor.rate or 1)

        def verdict(met: bool) -> str:
            return "met" if met else "MISSED"

        print(
            f"\nTargets at 50 clients: {mine.rate:.0f} registrations/s (>= {TARGET_RATE}:"
            f" {verdict(mine.rate >= TARGET_RATE)}), POST p99 {ms(p99)} ms"
            f" (< {ms(TARGET_P99)}: {verdict(p99 < TARGET_P99)}),"
            f" {errors} errors (0: {verdict(not errors)}),"
            f" ours/bare {ratio:.2f} (>= {TARGET_RATIO}: {verdict(ratio >= TARGET_RATIO)})"
        )


if __name__ == "__main__":
    main()
