"""The expert pool as Excel: a template to fill in, and an import that validates every row first and then adds or
updates all rows or none (issue #16).

A row is accepted exactly when the expert pool's own page would accept it: each row goes through `ExpertForm` (the
shape checks: username, e-mail, phone, employer and credit code, city, limits) and then `expert_save` (the model
checks), inside one transaction that is rolled back if any row fails.

Rules of the file:
- a username already in the pool updates that expert; a blank cell of such a row keeps the current value (the
  edit page clears fields; the import never does). A username of an account that is not an expert is refused.
- a new expert needs a username, name, e-mail, employer and city; the account has no usable password and gets an
  invitation e-mail to choose one (`accounts.services.invitation_issue`, as for invited applicants).
- the employer is matched by credit code, else by exact name among registered employers and applicants; an
  unknown one is registered once, however many rows name it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.exceptions import ServiceError

from ..permissions import require_province
from .expert_import_io import (  # noqa: F401 - the file side, re-exported for callers
    _FALSE,
    _LIST_SPLIT,
    _TRUE,
    COLUMNS,
    FIELD_COLUMN,
    HEADERS,
    MAX_ERRORS,
    MAX_ROWS,
    MAX_ROWS_READ,
    ImportResult,
    RowError,
    _cell_text,
    _Row,
    build_template,
    parse,
)

logger = logging.getLogger(__name__)


@dataclass
class _Prepared:
    number: int
    profile: object | None
    data: dict
    employer_key: str = ""


class _Lookups:
    """Everything a row is matched against, loaded once for the whole file."""

    def __init__(self, rows: list[_Row]):
        from accounts.constants import DivisionLevel
        from accounts.models import Division, Organisation, User
        from clusters.models import IndustryTag

        from ..forms.experts import EMPLOYER_KINDS
        from ..models import ExpertProfile

        self.employer_kinds = set(EMPLOYER_KINDS)
        self.username_validator = User.username_validator
        self.cities = {}
        for d in Division.objects.filter(level=DivisionLevel.CITY):
            self.cities[d.name] = d
            self.cities[d.name.removesuffix("市")] = d
        self.tags = {t.name: t for t in IndustryTag.objects.filter(active=True)}
        names = {r.cells.get("username", "").lower() for r in rows} - {""}
        self.users = {}
        for user in User.objects.filter(username__in=[r.cells.get("username", "") for r in rows]):
            self.users[user.username.lower()] = user
        # username__in is case-sensitive; catch "Zhang" for an existing "zhang" too.
        missing = names - set(self.users)
        if missing:
            for user in User.objects.filter(username__iregex=r"^(" + "|".join(re.escape(n) for n in missing) + ")$"):
                self.users.setdefault(user.username.lower(), user)
        self.profiles = {
            p.user_id: p
            for p in ExpertProfile.objects.filter(user__in=list(self.users.values())).select_related("user", "city")
        }
        codes = {r.cells.get("credit_code", "").upper() for r in rows} - {""}
        self.orgs_by_code = {o.credit_code: o for o in Organisation.objects.filter(credit_code__in=codes)}
        employer_names = {r.cells.get("employer", "") for r in rows} - {""}
        self.orgs_by_name: dict[str, list] = {}
        for org in Organisation.objects.filter(kind__in=EMPLOYER_KINDS, name__in=employer_names).order_by("pk"):
            self.orgs_by_name.setdefault(org.name, []).append(org)


def _initial(profile) -> dict:
    user = profile.user
    return {
        "username": user.username,
        "full_name": user.full_name,
        "phone": user.phone,
        "email": user.email,
        "employer": user.organisation_id or "",
        "city": profile.city_id,
        "title": profile.title,
        "specialities": [t.pk for t in profile.specialities.all()],
        "keywords": profile.keywords,
        "active": profile.active,
        "max_assignments": profile.max_assignments,
    }


def _prepare_row(row: _Row, lookups: _Lookups, seen: dict, new_employers: dict) -> tuple[_Prepared | None, list]:
    from ..forms.experts import ExpertForm

    c = row.cells
    errors: dict[str, str] = {}  # key → message (one per column)

    def err(key, message):
        errors.setdefault(key, message)

    username = c.get("username", "")
    profile = None
    if not username:
        err("username", "请填写用户名。")
    else:
        first = seen.get(username.lower())
        if first is not None:
            err("username", f"与第{first}行的用户名重复（同一名专家只填一行）。")
        else:
            seen[username.lower()] = row.number
        try:
            lookups.username_validator(username)
        except ValidationError as exc:
            err("username", "；".join(exc.messages))
        user = lookups.users.get(username.lower())
        if user is not None:
            profile = lookups.profiles.get(user.pk)
            if profile is None:
                err("username", f"用户名“{username}”已被非专家账号使用，不能导入为专家，请换一个。")
            else:
                username = user.username  # as stored: "Zhang" in the file updates "zhang"
    new = profile is None

    data = _initial(profile) if profile is not None else {"active": True, "max_assignments": 20, "specialities": []}
    data["username"] = username
    for key in ("full_name", "phone", "email", "title", "keywords"):
        if c.get(key):
            data[key] = c[key]
    if new:
        for key, what in (
            ("full_name", "姓名"),
            ("email", "电子邮箱"),
            ("employer", "工作单位"),
            ("city", "所在设区市"),
        ):
            if not c.get(key):
                extra = "，用于发送设置密码的邀请" if key == "email" else ""
                err(key, f"新专家须填写{what}{extra}。")

    # the employer: by credit code, else by name, else a new one (registered once for the whole file)
    employer_key = ""
    name, code = c.get("employer", ""), c.get("credit_code", "").upper()
    data["new_employer_name"], data["new_employer_credit_code"] = "", ""
    if code:
        org = lookups.orgs_by_code.get(code)
        if org is not None:
            if org.kind not in lookups.employer_kinds:
                err("credit_code", f"该代码已登记为“{org.name}”，不是专家工作单位或申报主体，请核对。")
            elif name and name != org.name:
                err("employer", f"统一社会信用代码已登记为“{org.name}”，与填写的单位名称“{name}”不一致，请核对。")
            else:
                data["employer"] = org.pk
        elif not name:
            err("employer", "填写了统一社会信用代码，请同时填写工作单位名称。")
        else:
            data["employer"] = ""
            data["new_employer_name"], data["new_employer_credit_code"] = name, code
            employer_key = f"code:{code}"
            other = new_employers.get(employer_key)
            if other is not None and other[0] != name:
                err("employer", f"与第{other[1]}行的统一社会信用代码相同，但单位名称不同（“{other[0]}”），请核对。")
            new_employers.setdefault(employer_key, (name, row.number))
    elif name:
        matches = lookups.orgs_by_name.get(name, [])
        if len(matches) > 1:
            err("employer", f"已登记 {len(matches)} 个名为“{name}”的单位，请填写统一社会信用代码以区分。")
        elif matches:
            data["employer"] = matches[0].pk
        else:
            data["employer"] = ""
            data["new_employer_name"] = name
            employer_key = f"name:{name}"

    if c.get("city"):
        city = lookups.cities.get(c["city"])
        if city is None:
            err("city", f"“{c['city']}”不是江苏省的设区市，请填写如“南京市”（见模板“可选值”表）。")
        else:
            data["city"] = city.pk
    if c.get("specialities"):
        wanted = [t for t in (s.strip() for s in _LIST_SPLIT.split(c["specialities"])) if t]
        unknown = [t for t in wanted if t not in lookups.tags]
        if unknown:
            listed = "、".join(f"“{t}”" for t in unknown)
            err("specialities", f"{listed} 不是平台维护的专业领域（见模板“可选值”表；其他领域请填入专业关键词）。")
        else:
            data["specialities"] = [lookups.tags[t].pk for t in wanted]
    if c.get("active"):
        text = c["active"].lower()
        if text in _TRUE:
            data["active"] = True
        elif text in _FALSE:
            data["active"] = False
        else:
            err("active", f"应填写“是”或“否”，实为“{c['active']}”。")
    if c.get("max_assignments"):
        data["max_assignments"] = c["max_assignments"]

    form_data = {k: v for k, v in data.items() if not (k == "active" and not v)}
    if form_data.get("active"):
        form_data["active"] = "on"
    form = ExpertForm(form_data, profile=profile, require_password=False)
    valid = form.is_valid()
    if not valid:
        for name_, messages in form.errors.items():
            key = FIELD_COLUMN.get(name_, "")
            if key and key in errors:
                continue  # the row's own, more specific message is already there
            err(key, "；".join(messages))
    out = [RowError(row.number, HEADERS.get(key, ""), message) for key, message in errors.items()]
    if out:
        return None, out
    return _Prepared(row.number, profile, dict(form.cleaned_data), employer_key), []


def validate(rows: list[_Row]) -> tuple[list[_Prepared], list[RowError]]:
    """Every row checked against the form of the expert pool page; nothing is written."""
    lookups = _Lookups(rows)
    prepared, errors, seen, new_employers = [], [], {}, {}
    for row in rows:
        ok, row_errors = _prepare_row(row, lookups, seen, new_employers)
        errors.extend(row_errors)
        if ok is not None:
            prepared.append(ok)
    return prepared, errors


# ---------------------------------------------------------------- applying


def _model_errors(number: int, exc: ValidationError) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        return [
            RowError(number, HEADERS.get(FIELD_COLUMN.get(name, ""), ""), "；".join(messages))
            for name, messages in exc.message_dict.items()
        ]
    return [RowError(number, "", "；".join(exc.messages))]


def _capped(errors: list[RowError]) -> list[RowError]:
    errors = sorted(errors, key=lambda e: e.row)
    if len(errors) > MAX_ERRORS:
        rest = len(errors) - MAX_ERRORS
        errors = [*errors[:MAX_ERRORS], RowError(0, "", f"还有 {rest} 处错误未列出，请先修正以上错误后重新上传。")]
    return errors


def import_experts(*, fileobj, actor) -> ImportResult:
    """Add or update every expert of the file in one transaction, or nothing: the result lists the problems by
    row and column. New experts are invited by e-mail to choose a password; one audit record per import."""
    from accounts.services import invitation_issue
    from core.services import audit

    from .experts import expert_save

    require_province(actor, "导入专家库")
    rows, errors = parse(fileobj)
    if rows and not errors:
        prepared, errors = validate(rows)
    if errors:
        return ImportResult(errors=_capped(errors))

    result = ImportResult()
    with transaction.atomic():
        employers: dict[str, object] = {}
        for item in prepared:
            data = dict(item.data)
            if item.employer_key and item.employer_key in employers:
                data["employer"], data["new_employer_name"], data["new_employer_credit_code"] = (
                    employers[item.employer_key],
                    "",
                    "",
                )
            try:
                profile = expert_save(actor=actor, profile=item.profile, data=data)
            except ValidationError as exc:  # a model rule the form does not know
                result.errors.extend(_model_errors(item.number, exc))
                continue
            except ServiceError as exc:
                result.errors.append(RowError(item.number, "", exc.message))
                continue
            except IntegrityError:  # a username or credit code taken meanwhile by another member of staff
                result.errors.append(
                    RowError(item.number, HEADERS["username"], "用户名或单位已被他人同时登记，请重新上传。")
                )
                continue
            if item.employer_key:
                employers[item.employer_key] = profile.user.organisation
            if item.profile is None:
                result.created.append(profile.user.username)
                if profile.user.email:
                    invitation_issue(user=profile.user, actor=actor)
                    result.invited += 1
            else:
                result.updated.append(profile.user.username)
        if result.errors:
            transaction.set_rollback(True)
            return ImportResult(errors=_capped(result.errors))
        names = "、".join([*result.created, *result.updated])
        audit(
            "expert_import",
            user=actor,
            detail=f"专家库导入：新增 {len(result.created)} 名，更新 {len(result.updated)} 名"
            f"（邀请 {result.invited} 名）：{names}"[:500],
        )
    return result
