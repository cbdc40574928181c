"""Spot checks (实地抽查, Art. 10): the reproducible random draw among the applications in expert review, its
verification, and the site check recorded for each drawn application with its evidence files. The stored files
of joint review meetings are written by the same helper (`store_files`)."""

import hashlib
import math
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clusters import services as cluster_services
from clusters.constants import ApplicationState
from clusters.models import Application
from core import transitions
from core.exceptions import ServiceError
from core.filetypes import check_upload
from core.storage import original_name, remove_quietly

from ..models import SiteCheck, SpotCheckDraw, StoredFile
from ..permissions import require_province
from .scoring import require_expert_review_complete

S = ApplicationState
DRAW_ALGORITHM = "按 SHA-256(种子:申报编号) 的十六进制值升序排列候选名单，取前 N 个"


def draw_key(seed: str, application_id: int) -> str:
    return hashlib.sha256(f"{seed}:{application_id}".encode()).hexdigest()


def draw_sample(seed: str, candidates: list[int], size: int) -> list[int]:
    """Reproducible anywhere: sort the candidates by SHA-256 of "seed:id" and take the first `size`."""
    return sorted(candidates, key=lambda pk: draw_key(seed, pk))[:size]


def draw_ranking(draw) -> list[tuple[int, str]]:
    """The draw's candidates as (application id, key), in the order of their keys: the first `sample_size` are
    the sample `draw_sample` takes (what the page shows to verify a draw by eye)."""
    return sorted(((pk, draw_key(draw.seed, pk)) for pk in draw.candidates), key=lambda row: row[1])


def _positive_int(value, label) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ServiceError(f"{label}应为正整数。") from None
    if number <= 0:
        raise ServiceError(f"{label}应为正整数。")
    return number


def spot_check_draw(*, call, actor, seed, size=None, fraction=None) -> SpotCheckDraw:
    """Draw the site-check sample from every application in expert review; the rest go to joint review."""
    require_province(actor, "抽取实地抽查名单")
    seed = str(_positive_int(seed, "随机种子"))
    with transaction.atomic():
        candidates = list(
            Application.objects.select_for_update()
            .filter(call=call, state=S.EXPERT_REVIEW)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not candidates:
            raise ServiceError("本批次没有处于专家评审环节的申报。")
        require_expert_review_complete(
            Application.objects.filter(pk__in=candidates).select_related("cluster").order_by("pk"),
            step="抽取实地抽查名单",
        )
        if size not in (None, ""):
            k = _positive_int(size, "抽取数量")
        elif fraction not in (None, ""):
            try:
                f = Decimal(str(fraction))
            except InvalidOperation:
                raise ServiceError("抽取比例应为 0 至 1 之间的数。") from None
            if not (0 < f <= 1):
                raise ServiceError("抽取比例应为 0 至 1 之间的数（不含 0）。")
            k = max(1, math.ceil(f * len(candidates)))
        else:
            raise ServiceError("请填写抽取数量或抽取比例。")
        if k > len(candidates):
            raise ServiceError(f"抽取数量 {k} 超过候选申报数 {len(candidates)}。")
        drawn = draw_sample(seed, candidates, k)
        draw = SpotCheckDraw.objects.create(
            call=call,
            seed=seed,
            sample_size=k,
            candidates=candidates,
            drawn=drawn,
            algorithm=DRAW_ALGORITHM,
            drawn_by=actor,
        )
        transitions.record_event(
            draw,
            "draw",
            actor=actor,
            to_state="drawn",
            comment=f"种子 {seed}，候选 {len(candidates)}，抽中 {drawn}",
            freeze=True,
        )
        for app in Application.objects.filter(pk__in=candidates).order_by("pk"):
            if app.pk in drawn:
                cluster_services.application_transition(
                    application=app,
                    actor=actor,
                    verb="manage_province",
                    method="start_site_check",
                    comment=f"被抽中实地抽查（种子 {seed}）",
                )
            else:
                cluster_services.application_transition(
                    application=app,
                    actor=actor,
                    verb="manage_province",
                    method="to_joint_review",
                    comment=f"未被抽中实地抽查（种子 {seed}）",
                )
    return draw


def spot_check_verify(draw) -> bool:
    """Re-draw from the recorded seed and candidates; True when the same sample comes out."""
    return draw_sample(draw.seed, list(draw.candidates), draw.sample_size) == list(draw.drawn)


# ---------------------------------------------------------------- stored files (site checks and meetings)


def _checked_type(uploaded) -> str:
    try:
        return check_upload(uploaded, settings.ATTACHMENT_MAX_MB * 1024 * 1024)
    except ValidationError as exc:
        raise ServiceError("；".join(exc.messages)) from exc


def store_files(files, actor, **owner) -> list[StoredFile]:
    """Check every upload, then store each for one owner (site_check= or meeting=) under a random name in
    reviews/. A refused upload stores nothing; a failure half-way removes the files already written (their rows
    go with the caller's transaction)."""
    checked = [(f, _checked_type(f)) for f in files]
    stored = []
    try:
        for uploaded, file_type in checked:
            row = StoredFile(
                original_name=original_name(uploaded),
                file_type=file_type,
                size=uploaded.size,
                uploaded_by=actor,
                **owner,
            )
            row.file.save(row.original_name, uploaded, save=False)
            stored.append(row)
            row.save()
    except Exception:
        remove_stored(stored)
        raise
    return stored


def remove_stored(rows) -> None:
    """Remove the files of rows whose transaction is being rolled back."""
    for row in rows:
        remove_quietly(row.file)


def site_check_record(*, application, actor, check_date, inspectors, findings, result, files=()) -> SiteCheck:
    """Record a site check with its evidence and return the application to the flow (joint review)."""
    require_province(actor, "记录实地核查")
    if not (inspectors or "").strip() or not (findings or "").strip():
        raise ServiceError("请填写核查人员和核查情况。")
    if result not in ("pass", "fail"):
        raise ServiceError("请选择核查结论。")
    if check_date is None or check_date > timezone.localdate():
        raise ServiceError("核查日期不能为空，也不能晚于今天。")
    stored = []
    try:
        with transaction.atomic():
            draw = SpotCheckDraw.objects.filter(call=application.call).order_by("-drawn_at").first()
            if draw is None or application.pk not in draw.drawn:
                raise ServiceError("该申报未被抽中实地抽查。")
            check = SiteCheck.objects.create(
                application=application,
                draw=draw,
                check_date=check_date,
                inspectors=inspectors.strip(),
                findings=findings.strip(),
                result=result,
                recorded_by=actor,
            )
            stored = store_files(files, actor, site_check=check)
            transitions.record_event(
                check, "record", actor=actor, to_state=check.result, comment=check.get_result_display(), freeze=True
            )
            cluster_services.application_transition(
                application=application,
                actor=actor,
                verb="manage_province",
                method="to_joint_review",
                comment=f"实地核查：{check.get_result_display()}",
                expected_state=S.SITE_CHECK,
            )
    except Exception:
        remove_stored(stored)  # the rows were rolled back: no file is left without its row
        raise
    return check
