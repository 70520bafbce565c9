"""The demo: the two 2023 seminars of DESIGN.md, an upcoming one, and Mongolian TVET institutions.

Speakers are named by their function and organisation, as the events' public descriptions name
them; institution names are plausible, not a register, and are marked as demo data.
"""

from seminar_reg.institutions.models import InstitutionType as T
from seminar_reg.partners.models import NotificationMode as N
from seminar_reg.partners.models import PartnerRole as R
from seminar_reg.seminars.models import SeminarFormat as F

DEMO_ORGANISER_EMAIL = "organiser@demo.seminar-reg.example"
DEMO_ORGANISER_NAME = "Demo organiser"

MONGOLIAN_PROVINCES = (
    "Arkhangai", "Bayan-Ölgii", "Bayankhongor", "Bulgan", "Darkhan-Uul", "Dornod", "Dornogovi",
    "Dundgovi", "Govi-Altai", "Govisümber", "Khentii", "Khovd", "Khövsgöl", "Ömnögovi", "Orkhon",
    "Övörkhangai", "Selenge", "Sükhbaatar", "Töv", "Uvs", "Zavkhan",
)  # fmt: skip

ULAANBAATAR_INSTITUTIONS = (
    ("Construction Technology College", "CTC"),
    ("Technical and Technology College of Ulaanbaatar", "TTCU"),
    ("Energy Polytechnic College", "EPC"),
    ("Railway Vocational Training Centre", "RVTC"),
    ("Food Technology College", "FTC"),
    ("Light Industry Polytechnic College", "LIPC"),
    ("Mining and Heavy Machinery Vocational Centre", "MHMVC"),
    ("Agricultural Technology College", "ATC"),
    ("Tourism and Service College", "TSC"),
    ("Information Technology Vocational College", "ITVC"),
    ("Automotive Technology College", "AUTC"),
    ("Arts and Design Vocational College", "ADVC"),
    ("Health Technology College", "HTC"),
    ("Road and Transport Polytechnic College", "RTPC"),
    ("Industrial Technology Training Centre", "ITTC"),
    ("Welding and Metalwork Training Centre", "WMTC"),
    ("Electrical Engineering Polytechnic College", "EEPC"),
    ("Leather and Textile Technology College", "LTTC"),
    ("Veterinary and Animal Husbandry College", "VAHC"),
    ("Culinary Arts Vocational Centre", "CAVC"),
    ("Nalaikh Vocational Training Centre", ""),
    ("Baganuur Polytechnic College", ""),
    ("Bagakhangai Vocational Training Centre", ""),
    ("Songinokhairkhan District Vocational Centre", ""),
    ("Bayanzürkh District Vocational Centre", ""),
    ("Khan-Uul District Polytechnic College", ""),
    ("Polytechnic College of Engineering and Technology", "PCET"),
)


def mongolian_institutions() -> list[tuple[str, str, str, T]]:
    """About 70 institutions: two per province, the Ulaanbaatar colleges, two national bodies."""
    institutions = [(name, abbr, "MN", T.TVET_INSTITUTE) for name, abbr in ULAANBAATAR_INSTITUTIONS]
    for province in MONGOLIAN_PROVINCES:
        institutions.append((f"{province} Polytechnic College", "", "MN", T.TVET_INSTITUTE))
        institutions.append(
            (f"{province} Vocational Training and Production Centre", "", "MN", T.TVET_INSTITUTE)
        )
    institutions += [
        ("National Centre for TVET Teacher Development", "NCTTD", "MN", T.MINISTRY_OR_AGENCY),
        ("Mongolian Employers' Federation, TVET Unit", "MONEF", "MN", T.NGO_OR_INTERNATIONAL),
    ]
    return institutions


COACTION_INSTITUTIONS = (
    ("Shenzhen Polytechnic", "SZPT", "CN", T.TVET_INSTITUTE),
    ("National Vocational and Technical Training Commission", "NAVTTC", "PK", T.MINISTRY_OR_AGENCY),
    ("National Polytechnic Institute of Cambodia", "NPIC", "KH", T.TVET_INSTITUTE),
    ("ITE Education Services", "ITEES", "SG", T.TVET_INSTITUTE),
    ("Centre for Instructor and Advanced Skill Training", "CIAST", "MY", T.TVET_INSTITUTE),
)

SZPT_UNEVOC = "UNESCO Chair on Digitalization in TVET & UNEVOC Centre at Shenzhen Polytechnic"
GIZ = "Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ)"
VETP = "Vocational Education Training Partnership (VETP)"
UNESCO_BEIJING = "UNESCO Multisectoral Regional Office in Beijing"

# organisation, role, country, website, contacts, scope countries, mode
# fmt: off
LEADERSHIP_PARTNERS = (
    (SZPT_UNEVOC, R.ORGANISER, "CN", "", ["unevoc-centre@szpt.demo.example"], [],
     N.DAILY_DIGEST),
    (GIZ, R.CO_ORGANISER, "DE", "", ["tvet-programme@giz.demo.example"], ["DE"],
     N.EACH_REGISTRATION),
    (VETP, R.CO_ORGANISER, "MN", "", ["secretariat@vetp.demo.example"], ["MN"],
     N.EACH_REGISTRATION),
    (UNESCO_BEIJING, R.CO_ORGANISER, None, "", ["beijing-education@unesco.demo.example"],
     ["CN", "JP", "KP", "KR", "MN"], N.DAILY_DIGEST),
)
COACTION_PARTNERS = (
    (SZPT_UNEVOC, R.ORGANISER, "CN", "", ["unevoc-centre@szpt.demo.example"], ["CN"],
     N.DAILY_DIGEST),
    ("National Vocational and Technical Training Commission (NAVTTC)", R.CO_ORGANISER, "PK", "",
     ["unevoc@navttc.demo.example"], ["PK"], N.EACH_REGISTRATION),
    ("National Polytechnic Institute of Cambodia (NPIC)", R.CO_ORGANISER, "KH", "",
     ["unevoc@npic.demo.example"], ["KH"], N.EACH_REGISTRATION),
    ("ITE Education Services", R.CO_ORGANISER, "SG", "",
     ["unevoc@ite.demo.example"], ["SG"], N.DAILY_DIGEST),
    ("Centre for Instructor and Advanced Skill Training (CIAST)", R.CO_ORGANISER, "MY", "",
     ["unevoc@ciast.demo.example"], ["MY"], N.EACH_REGISTRATION),
)
# fmt: on


def _speaker(function: str, organisation: str, country: str, talk: str) -> dict:
    return {
        "name": function,
        "organisation": organisation,
        "country": country,
        "presentation_title": talk,
    }


LEADERSHIP_2023 = {
    "slug": "tvet-leadership-digital-green-2023",
    "title": (
        "China-Germany-Mongolia-UNESCO Joint TVET Leadership Seminar "
        "on Digital and Green Transitions"
    ),
    "description": (
        "An online seminar for leaders and teachers of TVET institutions in Mongolia, organised by "
        "the UNESCO Chair on Digitalization in TVET & UNEVOC Centre at Shenzhen Polytechnic, GIZ, "
        "the Vocational Education Training Partnership (VETP) of Mongolia and the UNESCO "
        "Multisectoral Regional Office in Beijing.\n\n"
        "Opening remarks are followed by seven presentations on the digital transformation of "
        "TVET and five on greening TVET, and a closing session.\n\n"
        "Demo data: speakers are named by their function."
    ),
    "format": F.ONLINE,
    "timezone": "Asia/Ulaanbaatar",
    "registration": ("2023-03-27 09:00", "2023-04-17 18:00"),
    "capacity": 200,
    "contact_email": "unevoc-centre@szpt.demo.example",
    "archived": True,
    "partners": LEADERSHIP_PARTNERS,
    "sessions": [
        {
            "title": "Opening session",
            "theme": "Opening",
            "start": "2023-04-18 14:00",
            "end": "2023-04-18 14:30",
            "speakers": [
                _speaker("Vice President", "Shenzhen Polytechnic", "CN", "Opening remarks"),
                _speaker("Programme Director", GIZ, "DE", "Opening remarks"),
                _speaker("Executive Director", VETP, "MN", "Opening remarks"),
            ],
        },
        {
            "title": "Digital transformation of TVET",
            "theme": "Digital transformation",
            "start": "2023-04-18 14:30",
            "end": "2023-04-18 17:30",
            "speakers": [
                _speaker(
                    "Director, Digital Campus Office",
                    "Shenzhen Polytechnic",
                    "CN",
                    "A digital transformation strategy for a vocational college",
                ),
                _speaker(
                    "Advisor, Digital Learning",
                    GIZ,
                    "DE",
                    "Digital learning in Mongolia's TVET: lessons from cooperation",
                ),
                _speaker(
                    "Head of Teacher Development",
                    VETP,
                    "MN",
                    "Digital skills standards for TVET teachers",
                ),
                _speaker(
                    "Dean, School of Artificial Intelligence",
                    "Shenzhen Polytechnic",
                    "CN",
                    "Virtual simulation training bases",
                ),
                _speaker(
                    "Researcher",
                    "Federal Institute for Vocational Education and Training",
                    "DE",
                    "Digitalisation in the German dual system",
                ),
                _speaker(
                    "Director",
                    "Construction Technology College",
                    "MN",
                    "Blended teaching in a Mongolian polytechnic college",
                ),
                _speaker(
                    "Programme Officer",
                    "UNESCO-UNEVOC International Centre",
                    "DE",
                    "Digital transformation of TVET: global trends",
                ),
            ],
        },
        {
            "title": "Greening TVET",
            "theme": "Green transition",
            "start": "2023-04-19 14:00",
            "end": "2023-04-19 16:30",
            "speakers": [
                _speaker(
                    "Programme Specialist for Education",
                    UNESCO_BEIJING,
                    "CN",
                    "Greening TVET: the UNESCO framework",
                ),
                _speaker(
                    "Advisor, Green Skills",
                    GIZ,
                    "DE",
                    "Green skills for a just transition in Mongolia",
                ),
                _speaker(
                    "Director, Green Campus Office",
                    "Shenzhen Polytechnic",
                    "CN",
                    "Towards a carbon-neutral training campus",
                ),
                _speaker(
                    "Senior Expert",
                    VETP,
                    "MN",
                    "Renewable-energy occupations and their training in Mongolia",
                ),
                _speaker(
                    "Deputy Director",
                    "Energy Polytechnic College",
                    "MN",
                    "Greening the curricula of construction and mining trades",
                ),
            ],
        },
        {
            "title": "Closing session",
            "theme": "Closing",
            "start": "2023-04-19 16:30",
            "end": "2023-04-19 17:00",
            "speakers": [
                _speaker("Head of Education Unit", UNESCO_BEIJING, "CN", "Closing remarks"),
            ],
        },
    ],
}

COACTION_2023 = {
    "slug": "unevoc-coaction-digital-transformation-2023",
    "title": (
        "UNESCO-UNEVOC Network Coaction Initiative 2023: "
        "Capacity Building on Digital Transformation in TVET"
    ),
    "description": (
        "Four sessions over several months, online and on site, for leaders, teachers and "
        "experts of five partner institutions in Pakistan, Cambodia, Singapore, Malaysia and "
        "China.\n\n"
        "Demo data: speakers are named by their function."
    ),
    "format": F.HYBRID,
    "venue": "Shenzhen Polytechnic, Shenzhen, China (session 4)",
    "timezone": "Asia/Shanghai",
    "registration": ("2023-05-15 09:00", "2023-06-14 18:00"),
    "capacity": 80,
    "contact_email": "unevoc-centre@szpt.demo.example",
    "archived": True,
    "partners": COACTION_PARTNERS,
    "sessions": [
        {
            "title": "Kick-off: digital transformation strategies in TVET",
            "theme": "Strategy",
            "start": "2023-06-15 15:00",
            "end": "2023-06-15 17:00",
            "speakers": [
                _speaker(
                    "Director, UNEVOC Centre",
                    "Shenzhen Polytechnic",
                    "CN",
                    "The Coaction Initiative and its goals",
                ),
                _speaker(
                    "Programme Officer",
                    "UNESCO-UNEVOC International Centre",
                    "DE",
                    "The UNEVOC Network and digital transformation",
                ),
            ],
        },
        {
            "title": "Digital teaching and learning resources",
            "theme": "Teaching and learning",
            "start": "2023-08-17 15:00",
            "end": "2023-08-17 17:00",
            "speakers": [
                _speaker(
                    "Deputy Director",
                    "ITE Education Services",
                    "SG",
                    "Designing online learning for technical skills",
                ),
                _speaker(
                    "Head of e-Learning",
                    "National Polytechnic Institute of Cambodia",
                    "KH",
                    "Open educational resources in Khmer",
                ),
            ],
        },
        {
            "title": "Digital competences of TVET teachers",
            "theme": "Teachers",
            "start": "2023-09-21 15:00",
            "end": "2023-09-21 17:00",
            "speakers": [
                _speaker(
                    "Director, Teacher Training",
                    "Centre for Instructor and Advanced Skill Training",
                    "MY",
                    "A digital competence framework for instructors",
                ),
                _speaker(
                    "Director General",
                    "National Vocational and Technical Training Commission",
                    "PK",
                    "Training 10,000 TVET teachers online",
                ),
            ],
        },
        {
            "title": "Action plans for digital transformation (on site and online)",
            "theme": "Action plans",
            "start": "2023-11-09 09:30",
            "end": "2023-11-09 16:30",
            "speakers": [
                _speaker("Vice President", "Shenzhen Polytechnic", "CN", "Welcome"),
                _speaker(
                    "Teams of the five partner institutions",
                    "",
                    "",
                    "Presentation of institutional action plans",
                ),
            ],
        },
    ],
}


def upcoming_demo(first_day: str, second_day: str, third_day: str, opens: str, closes: str) -> dict:
    """A seminar of the same series dated from the seeding day, so that registration is open."""
    return {
        "slug": "demo-tvet-leadership-ai",
        "title": (
            "TVET Leadership Seminar on Artificial Intelligence in Teaching and Learning (demo)"
        ),
        "description": (
            "Demo seminar of the same series, dated from the day the demo data was loaded, so "
            "that registration can be tried out. Three online sessions for leaders and teachers "
            "of TVET institutions.\n\n"
            "Demo data: nothing here is a real event."
        ),
        "format": F.ONLINE,
        "timezone": "Asia/Ulaanbaatar",
        "registration": (opens, closes),
        "capacity": 250,
        "contact_email": "unevoc-centre@szpt.demo.example",
        "archived": False,
        "partners": LEADERSHIP_PARTNERS,
        "sessions": [
            {
                "title": "AI in TVET: opportunities and risks",
                "theme": "Artificial intelligence",
                "start": f"{first_day} 14:00",
                "end": f"{first_day} 16:00",
                "join_url": "https://meet.demo.example/j/1001",
                "speakers": [
                    _speaker("Vice President", "Shenzhen Polytechnic", "CN", "Opening remarks"),
                    _speaker(
                        "Programme Officer",
                        "UNESCO-UNEVOC International Centre",
                        "DE",
                        "AI and the future of skills",
                    ),
                ],
            },
            {
                "title": "Teaching with AI tools",
                "theme": "Artificial intelligence",
                "start": f"{second_day} 14:00",
                "end": f"{second_day} 16:00",
                "join_url": "https://meet.demo.example/j/1002",
                "speakers": [
                    _speaker("Advisor, Digital Learning", GIZ, "DE", "AI tutors in dual VET"),
                    _speaker(
                        "Head of Teacher Development",
                        VETP,
                        "MN",
                        "Preparing Mongolian TVET teachers for AI",
                    ),
                ],
            },
            {
                "title": "Institutional AI policies and closing",
                "theme": "Leadership",
                "start": f"{third_day} 14:00",
                "end": f"{third_day} 16:00",
                "join_url": "https://meet.demo.example/j/1003",
                "speakers": [
                    _speaker("Head of Education Unit", UNESCO_BEIJING, "CN", "Closing remarks"),
                ],
            },
        ],
    }
