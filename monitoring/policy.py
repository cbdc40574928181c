"""The lifecycle's rules as data: each year's policy (expiring lead, grace period, re-review route) from the
database or the defaults, the re-review window, and the Measures' own term (Art. 16). Writes are in
services.policy."""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from core.exceptions import ServiceError

from .constants import DEFAULT_EXPIRING_LEAD_MONTHS, DEFAULT_REREVIEW_GRACE_DAYS, ReReviewTier
from .models import LifecyclePolicy

# Art. 16: in force from 2023-05-01 for five years.
REGULATION_START = datetime.date(2023, 5, 1)
DEFAULT_REGULATION_END = datetime.date(2028, 4, 30)
REGULATION_TITLE = "《江苏省促进中小企业特色产业集群发展管理办法》"


@dataclass(frozen=True)
class Policy:
    year: int
    expiring_lead_months: int = DEFAULT_EXPIRING_LEAD_MONTHS
    rereview_grace_days: int = DEFAULT_REREVIEW_GRACE_DAYS
    county_opinion: bool = True
    city_opinion: bool = True
    expert_review: bool = False
    basis: str = ""
    is_default: bool = True

    def route(self) -> list[str]:
        """The tiers a re-review goes through, in order; the province always decides."""
        tiers = []
        if self.county_opinion:
            tiers.append(ReReviewTier.COUNTY.value)
        if self.city_opinion:
            tiers.append(ReReviewTier.CITY.value)
        if self.expert_review:
            tiers.append(ReReviewTier.EXPERT.value)
        return [*tiers, ReReviewTier.PROVINCE.value]


def from_row(row: LifecyclePolicy) -> Policy:
    return Policy(
        year=row.year,
        expiring_lead_months=row.expiring_lead_months,
        rereview_grace_days=row.rereview_grace_days,
        county_opinion=row.county_opinion,
        city_opinion=row.city_opinion,
        expert_review=row.expert_review,
        basis=row.basis,
        is_default=False,
    )


def policy_for(year: int) -> Policy:
    row = LifecyclePolicy.objects.filter(year=year).first()
    return from_row(row) if row else Policy(year=year)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), clamped to the month's last day (31 August − 6 months = 28/29
    February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def expiring_from(valid_to: datetime.date, lead_months: int) -> datetime.date:
    """The day a certification ending on `valid_to` is marked expiring."""
    return add_months(valid_to, -lead_months)


def months_ahead(today: datetime.date, months: int) -> datetime.date:
    """The latest end of validity whose date `months` earlier (expiring_from) is on or before `today`: the sweep's
    horizon. add_months(today, months) alone would miss 31 May when today is 30 November (31 May − 6 months is
    clamped to 30 November, but 30 November + 6 months is 30 May)."""
    day = add_months(today, months)
    one = datetime.timedelta(days=1)
    while add_months(day + one, -months) <= today:  # at most three steps, at month ends
        day += one
    return day


def rereview_closes(valid_to: datetime.date, policy: Policy) -> datetime.date:
    """The last day a re-review may be applied for (the end of validity plus the grace period)."""
    return valid_to + datetime.timedelta(days=policy.rereview_grace_days)


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------- Art. 16: the Measures' own term


def regulation_end_date() -> datetime.date:
    value = getattr(settings, "REGULATION_END_DATE", DEFAULT_REGULATION_END)
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return value


def regulation_expired(today: datetime.date | None = None) -> bool:
    """True after the Measures' last day (2028-04-30 unless REGULATION_END_DATE says otherwise)."""
    return (today or timezone.localdate()) > regulation_end_date()


def regulation_warning(today: datetime.date | None = None) -> str:
    """The warning shown to province staff on a decision page once the Measures have lapsed ("" before)."""
    if not regulation_expired(today):
        return ""
    return (
        f"{REGULATION_TITLE}第十六条规定本办法自2023年5月1日起实施，有效期5年，已于{cn_date(regulation_end_date())}届满。"
        "作出决定前，请填写所依据的后续办法（修订或延续文件）的名称和文号。"
    )


def require_successor(reference: str, today: datetime.date | None = None) -> str:
    """The successor regulation's reference, required once the Measures have lapsed; '' before (nothing is
    stored then). Raises ServiceError naming the end date."""
    reference = (reference or "").strip()
    if not regulation_expired(today):
        return reference
    if not reference:
        raise ServiceError(
            regulation_warning(today), errors={"successor_regulation": ["请填写所依据的后续办法名称和文号。"]}
        )
    return reference
