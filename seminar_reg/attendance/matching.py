"""Decide which registration each person of an attendance report is: by email, then by name.

Pure Python over what the importer hands in; it knows no database. The importer merges a report's
rows into people first (``ReportPerson``) and stores what comes back for the organiser's review.

Decisions:

- Email is certain. The report's email and then its alt_email (Teams "Participant ID (UPN)",
  which often differs from the Email column) are compared with the registration's email, trimmed
  and case-insensitive. A second pass compares mailboxes: a "+tag" is dropped on both sides
  (``oyunaa+zoom@x.mn`` is ``oyunaa@x.mn``), and Gmail's dots too, since the same mailbox gets
  both; that is still an EMAIL match.
- Names are compared only with the registrations no email has matched, in the forms
  ``name_variants`` gives, as written and in Latin letters (``transliterate``: "Batbayar Dorj"
  is "Батбаяр Дорж"). A name equal to a registration's "given family" or "family given" once
  folded, in any word order and either script, scores 100 without fuzzy scoring. Otherwise
  ``rapidfuzz.fuzz.ratio`` against both orders, in Latin letters; a Cyrillic pair found so is
  scored in Cyrillic too and keeps the better score. Unlike ``token_set_ratio`` or ``WRatio``,
  ratio never calls "Echo" the same as "Echo Foxtrot" (they say 100 and 90), and unlike
  ``token_sort_ratio`` it keeps "Tan Wei Ming" close to "Tan Weiming" (96, not 61).
- A name with an initial ("Батбаяр Д.", "Д.Батбаяр", "B. Dorj") is also compared with the
  registrations' "given F.", "F. given", "G. family" and "family G."; any comparison of a name
  with an initial counts INITIAL_WEIGHT of its score, so with the default thresholds it is
  proposed to the organiser, never applied: Batbayar is a common name.
- NAME needs a score of at least ``certain`` that leads the person's next registration by
  CLEAR_LEAD points, and leads every other person's score for that registration as much; two
  registrations of the same name are therefore proposed with both as candidates.
- A registration goes to at most one person and a person to at most one registration, the
  highest scores first; a person who loses theirs is proposed their next candidate, if any.
- Chinese in pinyin ("Wang Fang" for "王芳") is not matched: that needs a dictionary (pypinyin)
  and the reading of a character in a name is often not its common one. "王芳" itself is matched,
  as are Zoom names that give both ("Wang Fang 王芳").
- A pair of names is compared only when a word of one begins with the same two letters as a word
  of the other (the first character for Chinese, Japanese and Korean), and only the SCAN_LIMIT
  best of each such group are kept. That misses only names misspelt at the start of every word,
  and keeps 5,000 people without email against 5,000 registrations near 0.5 s; it grows towards
  O(n²) only when most names share a word start (5,000 "Muhammad ..." take about 3.5 s).
"""

import enum
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from seminar_reg.text import fold, transliterate

CLEAR_LEAD = 5  # points a NAME match leads the next registration and the next person by
INITIAL_WEIGHT = 0.9  # share of the score a comparison that relies on an initial counts
CANDIDATE_COUNT = 3  # candidates kept per person for the review page
SCAN_LIMIT = 10  # forms taken from each group of names sharing a word start, to be scored


@dataclass(frozen=True)
class Registrant:
    """What the matcher knows of a registration."""

    id: int
    given_name: str
    family_name: str
    email: str  # normalised (lower-case)


@dataclass(frozen=True)
class ReportPerson:
    """One person of the report, after the importer merged their rows."""

    key: str  # stable id within the import (e.g. the email, else the normalised name)
    name: str  # as in the report: "015_Loki (Loki Laufeyson)", "Dorj, Batbayar", "Батбаяр Д."
    email: str  # "" when none
    alt_email: str = ""  # Teams "Participant ID (UPN)"


class MatchKind(enum.StrEnum):
    EMAIL = "email"  # certain
    NAME = "name"  # certain enough to apply
    PROPOSED = "proposed"  # a guess for the organiser to confirm or reject
    UNMATCHED = "unmatched"


@dataclass(frozen=True)
class Match:
    """Who a person of the report is, and how sure we are."""

    person: ReportPerson
    kind: MatchKind
    registrant_id: int | None  # None when unmatched
    score: float  # 0..100 (100 for email); unmatched: the best candidate's, else 0
    # The best few (registrant id, score), best first, for the review page; for an unmatched
    # person these are registrations that went to someone with a better claim.
    candidates: tuple[tuple[int, float], ...] = ()


def match_people(
    people: Sequence[ReportPerson],
    registrants: Sequence[Registrant],
    *,
    certain: float = 92,
    possible: float = 75,
) -> list[Match]:
    """One Match per person, in the order of ``people``."""
    if not 0 < possible <= certain <= 100:
        raise ValueError("thresholds need 0 < possible <= certain <= 100")
    matches: dict[int, Match] = _match_emails(people, registrants)
    taken = {match.registrant_id for match in matches.values()}
    free = [registrant for registrant in registrants if registrant.id not in taken]
    unsure = [index for index in range(len(people)) if index not in matches]
    candidates = _NameIndex(free).candidates([people[i].name for i in unsure], possible)
    matches.update(_assign(people, unsure, candidates, certain))
    return [matches[index] for index in range(len(people))]


def name_variants(name: str) -> list[str]:
    """The folded forms a report name is compared in: "015_Loki (Loki Laufeyson)" gives
    ["loki", "loki laufeyson"], "Dr. Muñoz Pérez, Ana (Guest)" gives ["ana munoz perez"].

    Empty only when the name has no letter (a dial-in's phone number).
    """
    text = unicodedata.normalize("NFKC", name)
    outer, inner = _split_brackets(text)
    forms = [_settle(_strip_noise(_swap_comma(_strip_noise(part)))) for part in (outer, *inner)]
    forms = [form for form in forms if _has_letter(form)]
    if not forms and _has_letter(text):
        forms = [_settle(text)]  # all of it was noise: "(Host)", "iPhone"
    return list(dict.fromkeys(v for form in forms for v in (form, *_script_parts(form))))


# --- email ------------------------------------------------------------------------------------


def _match_emails(
    people: Sequence[ReportPerson], registrants: Sequence[Registrant]
) -> dict[int, Match]:
    """EMAIL matches by person index: the Email column, then the UPN, then mailboxes."""
    matches: dict[int, Match] = {}
    taken: set[int] = set()
    passes = (
        (lambda person: [person.email], _plain),
        (lambda person: [person.alt_email], _plain),
        (lambda person: [person.email, person.alt_email], _mailbox),
    )
    for addresses_of, form in passes:
        by_address: dict[str, list[Registrant]] = defaultdict(list)
        for registrant in registrants:
            if registrant.email.strip():
                by_address[form(registrant.email)].append(registrant)
        for index, person in enumerate(people):
            if index in matches:
                continue
            for address in filter(None, (form(a) for a in addresses_of(person))):
                registrant = next((r for r in by_address[address] if r.id not in taken), None)
                if registrant is not None:
                    taken.add(registrant.id)
                    matches[index] = Match(
                        person, MatchKind.EMAIL, registrant.id, 100.0, ((registrant.id, 100.0),)
                    )
                    break
    return matches


def _plain(email: str) -> str:
    return email.strip().lower()


def _mailbox(email: str) -> str:
    """The mailbox an address delivers to: without "+tag", and without dots at Gmail."""
    local, at, domain = _plain(email).rpartition("@")
    if not at or not local:
        return _plain(email)
    local = local.split("+", 1)[0] or local
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


# --- names ------------------------------------------------------------------------------------


class _NameIndex:
    """The free registrations' names, found by exact form, else by the start of their words."""

    def __init__(self, registrants: Sequence[Registrant]) -> None:
        self.ids = [registrant.id for registrant in registrants]
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.full = _Buckets()  # "given family", "family given", in Latin letters
        self.initials = _Buckets()  # "given F.", "F. given", "G. family", "family G."
        self.cyrillic: dict[int, tuple[list[str], list[str]]] = {}  # the same, as registered
        for owner, registrant in enumerate(registrants):
            names = (registrant.given_name, registrant.family_name)
            latin = tuple(map(transliterate, names))
            full, initials = _registrant_forms(*latin)
            registered = full
            if latin != names:
                self.cyrillic[owner] = _registrant_forms(*names)
                registered = self.cyrillic[owner][0]
            for key in {_exact_key(form) for form in full + registered}:
                self.exact[key].append(owner)
            for form in full:
                self.full.add(form, owner)
            for form in initials:
                self.initials.add(form, owner)

    def candidates(self, names: Iterable[str], possible: float) -> list[list[tuple[int, float]]]:
        """For each name, the registrant ids scoring at least ``possible``, best first."""
        found = []
        cache: dict[str, dict[int, float]] = {}  # many people share a variant: "echo"
        for name in names:
            variants = name_variants(name)
            latin_name = transliterate(name)
            latin = name_variants(latin_name) if latin_name != name else variants
            scores = {
                owner: 100.0
                for variant in dict.fromkeys(variants + latin)
                for owner in self.exact.get(_exact_key(variant), ())
            }
            if not scores:
                for variant in latin:
                    if variant not in cache:
                        cache[variant] = self._similar(variant, possible)
                    for owner, score in cache[variant].items():
                        scores[owner] = max(score, scores.get(owner, 0.0))
                if latin is not variants:  # the same pairs in Cyrillic, which can score higher
                    for owner in scores.keys() & self.cyrillic.keys():
                        scores[owner] = max(scores[owner], _best(variants, *self.cyrillic[owner]))
            ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
            found.append([(self.ids[owner], round(score, 1)) for owner, score in ranked])
        return found

    def _similar(self, variant: str, possible: float) -> dict[int, float]:
        """Scores of the registrations that share the start of a word with ``variant``."""
        if not _has_initial(variant):
            return self.full.scores(variant, possible)
        scores = self.full.scores(variant, possible / INITIAL_WEIGHT)
        for owner, score in self.initials.scores(variant, possible / INITIAL_WEIGHT).items():
            scores[owner] = max(score, scores.get(owner, 0.0))
        return {owner: score * INITIAL_WEIGHT for owner, score in scores.items()}


class _Buckets:
    """Forms grouped by the start of each of their words, so a name meets only likely forms."""

    def __init__(self) -> None:
        self.forms: dict[str, list[str]] = defaultdict(list)
        self.owners: dict[str, list[int]] = defaultdict(list)

    def add(self, form: str, owner: int) -> None:
        for key in _block_keys(form):
            self.forms[key].append(form)
            self.owners[key].append(owner)

    def scores(self, variant: str, cutoff: float) -> dict[int, float]:
        """The best ratio of each owner of a form sharing a word start, if at least cutoff."""
        scores: dict[int, float] = {}
        if cutoff > 100:
            return scores
        for key in _block_keys(variant):
            if key in self.forms:
                owners = self.owners[key]
                hits = process.extract(
                    variant,
                    self.forms[key],
                    scorer=fuzz.ratio,
                    score_cutoff=cutoff,
                    limit=SCAN_LIMIT,
                )
                for _form, score, position in hits:
                    scores[owners[position]] = max(score, scores.get(owners[position], 0.0))
        return scores


def _best(variants: list[str], full: list[str], initials: list[str]) -> float:
    """The best score of any variant against any of a registration's forms."""
    best = 0.0
    for variant in variants:
        if _has_initial(variant):
            ratio = max((fuzz.ratio(variant, form) for form in full + initials), default=0.0)
            best = max(best, ratio * INITIAL_WEIGHT)
        else:
            best = max(best, max((fuzz.ratio(variant, form) for form in full), default=0.0))
    return best


def _registrant_forms(given_name: str, family_name: str) -> tuple[list[str], list[str]]:
    """The folded full names of a registration, and its forms with an initial."""
    given = _compact(fold(_strip_titles(given_name)))
    family = _compact(fold(_strip_titles(family_name)))
    if not (given and family):
        return [given or family] if given or family else [], []
    if _is_cjk(given) and _is_cjk(family):
        return [family + given, given + family], []
    full = [f"{given} {family}", f"{family} {given}"]
    initials = [
        f"{given} {family[0]}",
        f"{family[0]} {given}",
        f"{given[0]} {family}",
        f"{family} {given[0]}",
    ]
    return full, initials


def _assign(
    people: Sequence[ReportPerson],
    unsure: list[int],
    candidates: list[list[tuple[int, float]]],
    certain: float,
) -> dict[int, Match]:
    """Registrations to people, the highest scores first; NAME only for a clear lead."""
    claims: dict[int, list[tuple[float, int]]] = defaultdict(list)  # registrant → score, person
    for position, ranked in enumerate(candidates):
        for registrant_id, score in ranked:
            claims[registrant_id].append((score, position))
    pairs = sorted(
        (-score, rank, position, registrant_id)
        for position, ranked in enumerate(candidates)
        for rank, (registrant_id, score) in enumerate(ranked)
    )
    chosen: dict[int, tuple[int, float, int]] = {}  # position → registrant id, score, rank
    taken: set[int] = set()
    for negative_score, rank, position, registrant_id in pairs:
        if position not in chosen and registrant_id not in taken:
            chosen[position] = (registrant_id, -negative_score, rank)
            taken.add(registrant_id)
    matches = {}
    for position, index in enumerate(unsure):
        ranked = candidates[position]
        shown = tuple(ranked[:CANDIDATE_COUNT])
        if position not in chosen:
            best = ranked[0][1] if ranked else 0.0
            matches[index] = Match(people[index], MatchKind.UNMATCHED, None, best, shown)
            continue
        registrant_id, score, rank = chosen[position]
        next_registrant = ranked[1][1] if len(ranked) > 1 else 0.0
        next_person = max((s for s, p in claims[registrant_id] if p != position), default=0.0)
        clear = (
            rank == 0
            and score >= certain
            and score - next_registrant >= CLEAR_LEAD
            and score - next_person >= CLEAR_LEAD
        )
        kind = MatchKind.NAME if clear else MatchKind.PROPOSED
        if rank >= CANDIDATE_COUNT:
            shown = (*shown[: CANDIDATE_COUNT - 1], ranked[rank])
        matches[index] = Match(people[index], kind, registrant_id, score, shown)
    return matches


# --- name forms -------------------------------------------------------------------------------

_BRACKETED = re.compile(r"[(\[{（【［]([^()\[\]{}（）【】［］]*)[)\]}）】］]")
# Words in brackets that say something of the connection, not who it is: "(Host, me)",
# "(Guest)", "(External)", "[EXT]", "(she/her)", Zoom in Chinese, Japanese, Russian and
# German, Teams in German.
_NOISE_WORDS = frozenset({
    "host", "co", "cohost", "guest", "external", "ext", "me", "unverified", "organizer",
    "organiser", "presenter", "panelist", "panellist", "attendee", "moderator", "interpreter",
    "speaker", "participant", "viewer", "she", "her", "hers", "he", "him", "his", "they", "them",
    "theirs", "ze", "zir", "xe", "xem", "any", "pronouns",
    "gast", "extern", "nicht", "uberpruft", "organisator",
    "ホスト", "共同ホスト", "ゲスト", "自分", "主持人", "联席主持人", "嘉宾", "访客", "我",
    "организатор", "соорганизатор", "гость", "organizator", "soorganizator", "gost",
})  # fmt: skip
_ROLL_NUMBER = re.compile(r"^#?\d+(?:\s*[-_.:)\]|/]+\s*|\s+)")  # "015_", "12 - ", "7) ", "#3 "
_DEVICES = (
    r"iphone|ipad|ipod|android|galaxy|samsung|huawei|honor|xiaomi|redmi|oppo|vivo|pixel|oneplus"
    r"|nokia|motorola|tecno|infinix|macbook|laptop|notebook|desktop|computer|pc|phone|mobile"
    r"|tablet|surface|chromebook"
)
# "Ana - iPhone", "Ana's iPad"; a dash needs a space beside it, since "Mary-Honor" is a name.
_DEVICE_SUFFIX = re.compile(
    rf"(?:\s+[-–—:|/]\s*|\s*[-–—:|/]\s+|\s*['’`]s\s+)(?:{_DEVICES})\b.*$", re.I
)
_BARE_DEVICE_SUFFIX = re.compile(r"\s+(?:iphone|ipad|android)\b.*$", re.I)  # "Ana iPhone 13"
_DEVICE_PREFIX = re.compile(r"^(?:iphone|ipad|android)\s+(?:de|von|di|van|of|da|do|du)\s+", re.I)
# "Ing." and the German degrees need their dot: Ing is also a Malaysian Chinese family name.
_TITLES = (
    r"(?:dr|mr|mrs|ms|miss|mx|prof|engr|herr|frau)\b\.?"
    r"|(?:ing|dipl|univ|med|rer|nat|phil|habil|dott|sr|sra)\."
)
_LEADING_TITLES = re.compile(rf"^(?:(?:{_TITLES})[\s\-–,]*)+", re.I)
# After the name only, since "Md" before it is short for Muhammad.
_TRAILING_DEGREES = re.compile(
    r"(?:[\s,]+(?:md|m\.d|dds|d\.d\.s|phd|ph\.d|mbbs|fcps|frcs|msc|m\.sc|mph|mba)\.?)+\s*$",
    re.I,
)
_COMMAS = re.compile("[,，、،]")
_CJK = re.compile(
    "[\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff\U00020000-\U0003134f]"
)


def _split_brackets(text: str) -> tuple[str, list[str]]:
    """The name outside brackets and the names inside them, without "(Host)" and the like."""
    inner: list[str] = []
    while match := _BRACKETED.search(text):
        words = fold(match.group(1)).split()
        if _has_letter(match.group(1)) and not set(words) <= _NOISE_WORDS:
            inner.append(match.group(1))
        text = f"{text[: match.start()]} {text[match.end() :]}"
    return text, inner


def _strip_noise(text: str) -> str:
    """Without roll numbers, devices and titles, as long as a letter is left."""
    steps = (
        _DEVICE_PREFIX,
        _DEVICE_SUFFIX,
        _BARE_DEVICE_SUFFIX,
        _ROLL_NUMBER,
        _LEADING_TITLES,
        _TRAILING_DEGREES,
    )
    text = text.strip()
    while True:
        before = text
        for pattern in steps:
            shorter = pattern.sub("", text, count=1).strip()
            if shorter != text and _has_letter(shorter):
                text = shorter
        if text == before:
            return text


def _strip_titles(text: str) -> str:
    """A registration's name part without "Dr." before it or "PhD" after it."""
    for pattern in (_LEADING_TITLES, _TRAILING_DEGREES):
        shorter = pattern.sub("", text, count=1).strip()
        if _has_letter(shorter):
            text = shorter
    return text


def _swap_comma(text: str) -> str:
    """Family name first and a comma (Teams, rosters): "Dorj, Batbayar" → "Batbayar Dorj"."""
    parts = _COMMAS.split(text, maxsplit=1)
    return f"{parts[1]} {parts[0]}".strip() if len(parts) == 2 else text


def _settle(text: str) -> str:
    """Folded, compacted and stripped again until nothing changes, so variants are stable."""
    form = _compact(fold(text))
    while (again := _compact(fold(_strip_noise(form)))) != form:
        form = again
    return form


def _compact(form: str) -> str:
    """Chinese, Japanese and Korean names without spaces: "王 芳" is "王芳"."""
    return form.replace(" ", "") if form and _is_cjk(form) else form


def _is_cjk(form: str) -> bool:
    return all(_CJK.match(char) for char in form if not char.isspace())


def _script_parts(form: str) -> list[str]:
    """The words of each script on their own, for "Wang Fang 王芳" or "Batbayar Батбаяр"."""
    if form.isascii():
        return []
    groups: dict[str, list[str]] = defaultdict(list)
    script, pending = "", []  # words without a letter go with the words before, else after
    for word in form.split():
        letter = next((char for char in word if char.isalpha()), None)
        if letter is None and not script:
            pending.append(word)
            continue
        if letter is not None:
            script = _script(letter)
        groups[script] += [*pending, word]
        pending = []
    if len(groups) < 2:
        return []
    parts = (_settle(" ".join(words)) for words in groups.values())
    return [part for part in parts if _has_letter(part)]


def _script(letter: str) -> str:
    if letter.isascii():
        return "LATIN"
    if _CJK.match(letter):
        return "CJK"
    return unicodedata.name(letter, "").partition(" ")[0]


def _has_letter(text: str) -> bool:
    return any(char.isalpha() for char in text)


def _has_initial(form: str) -> bool:
    """A one-letter word, as "Батбаяр Д." and "D. Batbayar" have once folded."""
    return any(len(word) == 1 and not _CJK.match(word) for word in form.split())


def _exact_key(form: str) -> str:
    """The words sorted, so that "dorj batbayar" and "batbayar dorj" are the same name."""
    return " ".join(sorted(form.split()))


def _block_keys(form: str) -> set[str]:
    words = form.split()
    long_words = [word for word in words if len(word) > 1] or words
    return {word[:1] if _CJK.match(word) else word[:2] for word in long_words}
