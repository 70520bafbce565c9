"""Demo participants: plausible names in the scripts the real events had, made deterministically."""

import random
import re
import unicodedata
from dataclasses import dataclass

from seminar_reg.registration.models import Gender, RoleCategory
from seminar_reg.text import transliterate

MONGOLIAN_FEMALE = (
    "Оюунчимэг", "Энхтуяа", "Сарангэрэл", "Нарантуяа", "Алтанцэцэг", "Болормаа", "Ариунаа",
    "Цэцэгмаа", "Мөнхзул", "Номин", "Ундрах", "Хонгорзул", "Саруул", "Отгонбаяр", "Туяа",
    "Анужин", "Батцэцэг", "Гэрэлмаа", "Дуламсүрэн", "Есөнжаргал",
)  # fmt: skip
MONGOLIAN_MALE = (
    "Батбаяр", "Ганбаатар", "Төмөрбаатар", "Мөнхбат", "Болд", "Эрдэнэбат", "Сүхбаатар",
    "Баярсайхан", "Ганзориг", "Энхбаяр", "Дорж", "Пүрэвдорж", "Бат-Эрдэнэ", "Тэмүүлэн",
    "Очир", "Амарбаясгалан", "Чинзориг", "Ганхуяг", "Бямбадорж", "Лхагвасүрэн",
)  # fmt: skip
# Mongolians write the father's name (patronymic) where others write a family name.
MONGOLIAN_PATRONYMICS = (
    "Дорж", "Батсүх", "Гантулга", "Цэнд", "Мягмар", "Жаргал", "Нямдорж", "Батжаргал",
    "Ганбаатар", "Сэрээтэр", "Баатар", "Лхагва", "Пүрэв", "Даваа", "Бямба", "Очирбат",
)  # fmt: skip
MONGOLIAN_POSITIONS = (
    ("Director", RoleCategory.LEADER),
    ("Vice director", RoleCategory.LEADER),
    ("Head of training department", RoleCategory.LEADER),
    ("Training manager", RoleCategory.LEADER),
    ("Teacher", RoleCategory.TEACHER),
    ("Senior teacher", RoleCategory.TEACHER),
    ("Vocational instructor", RoleCategory.TEACHER),
    ("Methodologist", RoleCategory.EXPERT),
    ("IT teacher", RoleCategory.TEACHER),
    ("Quality assurance officer", RoleCategory.EXPERT),
)

# "given name | family name | f or m", one person a line, per country of the Coaction partners
COACTION_PEOPLE = {
    "CN": """
        芳 | 王 | f
        娜 | 李 | f
        伟 | 张 | m
        洋 | 刘 | m
        静 | 陈 | f
        磊 | 杨 | m
        敏 | 赵 | f
        强 | 黄 | m
        杰 | 周 | m
        霞 | 吴 | f
        婷 | 徐 | f
        军 | 孙 | m
        丽 | 胡 | f
        涛 | 朱 | m
    """,
    "PK": """
        علی | رضا | m
        فاطمہ | بی بی | f
        عمران | احمد | m
        عائشہ | خان | f
        Usman | Tariq | m
        Sana | Malik | f
        Bilal | Hussain | m
        Hina | Iqbal | f
        Kamran | Shah | m
        Nadia | Aslam | f
        Faisal | Qureshi | m
        Rabia | Javed | f
    """,
    "KH": """
        Sokha | Chan | f
        Dara | Kim | m
        Sopheap | Meas | f
        Vuthy | Keo | m
        Chanthy | Sok | f
        Rithy | Heng | m
        Sreymom | Ly | f
        Piseth | Touch | m
        Bopha | Nhem | f
        Visal | Prak | m
        Kunthea | Om | f
        Sambath | Chea | m
    """,
    "SG": """
        Wei Ming | Tan | m
        Nur Aisyah | Binte Rahman | f
        Rajesh | Kumar | m
        Hui Min | Lim | f
        Jun Jie | Ong | m
        Priya | Nair | f
        Zhi Hao | Goh | m
        Siew Ling | Teo | f
        Farhan | Bin Ismail | m
        Mei Xin | Chua | f
        Daniel | Koh | m
        Shu Fen | Ng | f
    """,
    "MY": """
        Ahmad Faizal | Bin Osman | m
        Siti Nurhaliza | Binti Ahmad | f
        Mei Ling | Lim | f
        Kumaresan | Subramaniam | m
        Nurul Huda | Binti Yusof | f
        Hafiz | Bin Hamzah | m
        Wei Jie | Chong | m
        Kavitha | Raman | f
        Azlan | Bin Ibrahim | m
        Farah | Binti Zainal | f
        Chee Keong | Wong | m
        Aini | Binti Kassim | f
    """,
}
COACTION_POSITIONS = (
    ("Director, TVET digitalisation", RoleCategory.LEADER),
    ("Head of department", RoleCategory.LEADER),
    ("Lecturer", RoleCategory.TEACHER),
    ("Senior lecturer", RoleCategory.TEACHER),
    ("Instructional designer", RoleCategory.EXPERT),
    ("Researcher", RoleCategory.EXPERT),
    ("Programme officer", RoleCategory.OFFICIAL),
)


@dataclass(frozen=True)
class DemoPerson:
    given_name: str
    family_name: str
    email: str
    position: str
    role_category: RoleCategory
    gender: Gender | None
    language: str
    timezone: str


def _ascii(text: str) -> str:
    latin = transliterate(text).lower()
    plain = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", plain)


def _email(rng: random.Random, given: str, family: str, domain: str, taken: set[str]) -> str:
    local = f"{_ascii(given)}.{_ascii(family)}".strip(".") or f"participant{rng.randrange(10**6)}"
    email = f"{local}@{domain}"
    number = 2
    while email in taken:
        email, number = f"{local}{number}@{domain}", number + 1
    taken.add(email)
    return email


def mongolian_people(rng: random.Random, count: int, domain_of, taken: set[str]):
    """``count`` (person, institution index) pairs; mostly female, as in Mongolian TVET staff.

    The institutions take turns, so that each of them has someone registered.
    """
    for institution in range(count):
        female = rng.random() < 0.58
        given = rng.choice(MONGOLIAN_FEMALE if female else MONGOLIAN_MALE)
        family = rng.choice(MONGOLIAN_PATRONYMICS)
        position, role = rng.choice(MONGOLIAN_POSITIONS)
        gender = None if rng.random() < 0.05 else Gender.FEMALE if female else Gender.MALE
        email = _email(rng, given, family, domain_of(institution), taken)
        language = rng.choice(("mn", "mn", "mn", "en"))
        person = DemoPerson(
            given, family, email, position, role, gender, language, "Asia/Ulaanbaatar"
        )
        yield person, institution


def coaction_people(rng: random.Random, country: str, domain: str, zone: str, taken: set[str]):
    for line in COACTION_PEOPLE[country].strip().splitlines():
        given, family, sex = (part.strip() for part in line.split("|"))
        gender = Gender.FEMALE if sex == "f" else Gender.MALE
        position, role = rng.choice(COACTION_POSITIONS)
        language = "zh_Hans" if country == "CN" else "en"
        email = _email(rng, given, family, domain, taken)
        yield DemoPerson(given, family, email, position, role, gender, language, zone)
