"""What `manage.py seed_scale` makes at factor 1 — the national-scale data of issue #17 — and how it scales.

Factor 1: 5,000 clusters with one application each, spread over every state of the workflow in the current call
and three earlier calls (1,000 certified), about 100,000 roster rows, about 10,000 users, 305 experts and about
7,300 expert assignments with their score sheets, plus the annual reports of the certified clusters.
"""

from clusters.constants import ApplicationState as S

# Every seeded account has this password (the load generator logs in with it); never used outside a bench DB.
PASSWORD = "Bench@2026-Scale"
# The province account the seeder makes first; its presence marks a seeded database (first_name: the factor).
MARKER_USERNAME = "bench_province"

# (years before the current call, state, applications at factor 1). Earlier calls hold the certified clusters.
APPLICATIONS = [
    (0, S.DRAFT, 800),
    (0, S.COUNTY_REVIEW, 600),
    (0, S.CITY_REVIEW, 500),
    (0, S.FORMAL_REVIEW, 500),
    (0, S.EXPERT_REVIEW, 600),
    (0, S.SITE_CHECK, 100),
    (0, S.JOINT_REVIEW, 200),
    (0, S.PUBLIC_NOTICE, 100),
    (0, S.REJECTED, 300),
    (0, S.WITHDRAWN, 100),
    (1, S.CERTIFIED, 450),
    (1, S.REJECTED, 100),
    (2, S.CERTIFIED, 300),
    (2, S.REJECTED, 50),
    (3, S.CERTIFIED, 250),
    (3, S.REJECTED, 50),
]
# States whose applications were scored by experts (in the current call and the last one: ~7,300 assignments).
SCORED_STATES = {S.EXPERT_REVIEW, S.SITE_CHECK, S.JOINT_REVIEW, S.PUBLIC_NOTICE, S.CERTIFIED}
SCORED_YEARS_BACK = {0, 1}
EXPERTS_PER_APPLICATION = 5
# Share of the sheets of applications still in expert review that are submitted (the rest are drafts).
SUBMITTED_SHARE_IN_EXPERT_REVIEW = 0.6

USERS = {
    "applicant_orgs": 4500,  # 5,000 clusters: some bodies run two
    "users_per_applicant_org": 2,
    "county_users_per_county": 3,
    "city_users_per_city": 5,
    "province_users": 20,
    "experts": 305,
}
ROSTER_ROWS = (12, 28)  # uniform per application: ~20 on average, ~100,000 at factor 1
# The applications built through the real services with bigger rosters, for the PDF timings.
BIG_ROSTER = 300
SMALL_ROSTER = 15

# The path each state's bulk copies took, logged with core.transitions.record_events: (event, from, to).
_SUBMITTED = [("create", "", S.DRAFT), ("submit", S.DRAFT, S.COUNTY_REVIEW)]
LOG_PATHS = {
    S.DRAFT: [("create", "", S.DRAFT)],
    S.WITHDRAWN: [("create", "", S.DRAFT), ("withdraw", S.DRAFT, S.WITHDRAWN)],
    S.COUNTY_REVIEW: _SUBMITTED,
    S.REJECTED: [*_SUBMITTED, ("reject", S.COUNTY_REVIEW, S.REJECTED)],
}
LOG_PATHS[S.CITY_REVIEW] = [*_SUBMITTED, ("county_pass", S.COUNTY_REVIEW, S.CITY_REVIEW)]
LOG_PATHS[S.FORMAL_REVIEW] = [*LOG_PATHS[S.CITY_REVIEW], ("recommend", S.CITY_REVIEW, S.FORMAL_REVIEW)]
LOG_PATHS[S.EXPERT_REVIEW] = [*LOG_PATHS[S.FORMAL_REVIEW], ("formal_pass", S.FORMAL_REVIEW, S.EXPERT_REVIEW)]
LOG_PATHS[S.SITE_CHECK] = [*LOG_PATHS[S.EXPERT_REVIEW], ("start_site_check", S.EXPERT_REVIEW, S.SITE_CHECK)]
LOG_PATHS[S.JOINT_REVIEW] = [*LOG_PATHS[S.EXPERT_REVIEW], ("to_joint_review", S.EXPERT_REVIEW, S.JOINT_REVIEW)]
LOG_PATHS[S.PUBLIC_NOTICE] = [*LOG_PATHS[S.JOINT_REVIEW], ("approve", S.JOINT_REVIEW, S.PUBLIC_NOTICE)]
LOG_PATHS[S.CERTIFIED] = [*LOG_PATHS[S.PUBLIC_NOTICE], ("certify", S.PUBLIC_NOTICE, S.CERTIFIED)]

INDUSTRIES = [
    ("高端装备", "精密零部件"),
    ("电子信息", "新型显示"),
    ("新材料", "特种纤维"),
    ("生物医药", "医疗器械"),
    ("纺织服装", "功能面料"),
    ("节能环保", "环保装备"),
    ("汽车零部件", "新能源汽车电驱"),
    ("食品加工", "预制菜"),
]


def scaled(count: int, factor: float, minimum: int = 1) -> int:
    return max(minimum, round(count * factor))


def application_counts(factor: float) -> list[tuple[int, str, int]]:
    return [(back, state, scaled(n, factor)) for back, state, n in APPLICATIONS]


def expected_totals(factor: float) -> dict:
    """What a seed at `factor` should hold (bulk part; the real-service subset comes on top)."""
    apps = sum(n for _b, _s, n in application_counts(factor))
    return {
        "applications": apps,
        "experts": scaled(USERS["experts"], factor, minimum=12),
        "applicant_orgs": scaled(USERS["applicant_orgs"], factor),
    }
