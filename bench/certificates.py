"""Certificate PDFs: how many per second, and how large, for names in each script.

Run: .venv/bin/python -m bench.certificates [--count 1000]
Needs the Debian fonts (fonts-noto-core, fonts-noto-cjk); no database, no Flask. Renders --count
certificates in one process, the names taking turns among Cyrillic, Chinese, Latin and Urdu, with
one to fourteen sessions each, and prints per script the certificates per second, the average
milliseconds and the average size. The first certificate is timed apart: it reads the fonts'
character maps, which later ones reuse.
"""

import argparse
import random
import time
from dataclasses import replace

from seminar_reg.certificates.pdf import DEFAULT_LABELS, CertificateContent, render_certificate

NAMES = {
    "Cyrillic": (
        ["Батбаяр", "Оюунчимэг", "Төмөрбаатар", "Сарангэрэл", "Ганболд"],
        ["Дорж", "Өлзийбаяр", "Батсүх", "Энхтуяа", "Мөнх-Эрдэнэ"],
    ),
    "Chinese": (["王", "李", "张", "刘", "陈", "欧阳"], ["芳", "伟", "秀英", "娜", "敏静", "子涵"]),
    "Latin": (
        ["José", "Zoë", "Nguyễn", "Søren", "Çağla", "Łucja"],
        ["Núñez", "Müller-Lüdenscheidt", "Văn An", "Ødegård", "Yılmaz", "Wróblewska"],
    ),
    "Urdu": (
        ["فاطمہ", "محمد", "عائشہ", "علی", "زینب"],
        ["بی بی", "خان", "صدیقی", "رضا", "چودھری"],
    ),
}
SESSIONS = [
    "Opening remarks",
    "Digital transformation of TVET in China",
    "Digital skills for TVET teachers",
    "Smart campuses and virtual training",
    "Industry 4.0 and curriculum reform",
    "Digital credentials and recognition",
    "Data-informed leadership in TVET institutions",
    "Artificial intelligence in vocational training",
    "Greening TVET: policies and practice",
    "Green skills in the Mongolian mining sector",
    "Renewable energy occupations",
    "Sustainable campuses",
    "Green jobs and the labour market",
    "Closing session",
]
BASE = CertificateContent(
    participant_name="",
    seminar_title=(
        "China-Germany-Mongolia-UNESCO Joint TVET Leadership Seminar on Digital and Green"
        " Transitions"
    ),
    seminar_dates="18–19 April 2023",
    partners=[
        "UNESCO Chair on Digitalization in TVET & UNEVOC Centre at Shenzhen Polytechnic",
        "GIZ",
        "Vocational Education Training Partnership (VETP)",
        "UNESCO Multisectoral Regional Office in Beijing",
    ],
    sessions_attended=[],
    verification_code="",
    verification_url="",
    issued_on="20 April 2023",
    language="en",
    labels=DEFAULT_LABELS,
)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def certificate(script: str, chooser: random.Random) -> CertificateContent:
    given, family = NAMES[script]
    name = f"{chooser.choice(given)}{'' if script == 'Chinese' else ' '}{chooser.choice(family)}"
    code = "-".join("".join(chooser.choices(CODE_ALPHABET, k=4)) for _ in range(3))
    count = chooser.randint(1, len(SESSIONS))
    sessions = [f"{title} (18 Apr 2023)" for title in sorted(chooser.sample(SESSIONS, count))]
    return replace(
        BASE,
        participant_name=name,
        sessions_attended=sessions,
        verification_code=code,
        verification_url=f"https://seminars.example.org/verify/{code}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    chooser = random.Random(2023)
    scripts = list(NAMES)

    started = time.perf_counter()
    render_certificate(certificate("Latin", chooser))
    first = time.perf_counter() - started

    results: dict[str, list[tuple[float, int]]] = {script: [] for script in scripts}
    for number in range(args.count):
        script = scripts[number % len(scripts)]
        content = certificate(script, chooser)
        started = time.perf_counter()
        pdf = render_certificate(content)
        results[script].append((time.perf_counter() - started, len(pdf)))

    print(f"Certificate PDFs: {args.count} in one process; the first took {first * 1000:.0f} ms")
    print(f"{'names':>9} {'count':>6} {'cert/s':>8} {'avg ms':>8} {'avg kB':>8} {'max kB':>8}")
    rows = [(script, results[script]) for script in scripts]
    rows.append(("all", [timing for script in scripts for timing in results[script]]))
    for label, timings in rows:
        if not timings:
            continue
        seconds = sum(elapsed for elapsed, _ in timings)
        sizes = [size for _, size in timings]
        print(
            f"{label:>9} {len(timings):>6} {len(timings) / seconds:>8.1f}"
            f" {seconds / len(timings) * 1000:>8.1f} {sum(sizes) / len(sizes) / 1000:>8.1f}"
            f" {max(sizes) / 1000:>8.1f}"
        )


if __name__ == "__main__":
    main()
