"""Every write of the reviews app, one module per concern:

    tiers            county, city and formal review opinions (review_decide)
    recommendations  the city's recommendation document, its PDF and summary table, the deadline reminders
    experts          the expert pool, conflicts of interest, assignment, the experts' declarations
    scoring          score sheets and the weighted total
    spot_checks      the reproducible draw, site checks, and the stored files of site checks and meetings
    joint_review     the joint review meeting and its decisions
    notices          the public notice, objections and their handling, the close sweep
    publication      the published list, certifications and their numbers, certificate PDFs

Every public name is re-exported here: `from reviews import services; services.review_decide(...)`.
"""

from .experts import (
    VIEW_PERM,
    assignment_conflicts,
    auto_assign,
    call_expert_loads,
    declare_conflict,
    declare_no_conflict,
    expert_assign,
    expert_conflict_add,
    expert_conflict_withdraw,
    expert_save,
    expert_unassign,
    lock_own_assignment,
    ranked_candidates,
)
from .joint_review import meeting_close, meeting_create, meeting_decide
from .notices import (
    NOTICE_WORKING_DAYS,
    OBJECTION_FILE_MAX_MB,
    OBJECTION_FILE_TYPES,
    OBJECTION_MAX_FILES,
    notice_close,
    notice_create,
    notice_period,
    notice_publish,
    notices_close_due,
    objection_file,
    objection_handle,
    objection_personal_data,
    objection_result_phoned,
)
from .publication import (
    certificate_number,
    default_publication_title,
    publication_check,
    publication_create,
    render_certificate_pdf,
)
from .recommendations import (
    REMIND_DAYS_BEFORE,
    default_title,
    recommendation_check,
    recommendation_pdf,
    recommendation_rows,
    recommendation_submit,
    recommendation_xlsx,
    remind_city_deadlines,
    summary_rows,
)
from .scoring import (
    parse_scores,
    require_expert_review_complete,
    scoresheet_save,
    scoresheet_submit,
    weighted_total,
)
from .spot_checks import (
    DRAW_ALGORITHM,
    draw_key,
    draw_sample,
    remove_stored,
    site_check_record,
    spot_check_draw,
    spot_check_verify,
    store_files,
)
from .tiers import PASS_METHOD, TIER_STATE, formal_checklist_suggestion, review_decide

__all__ = [
    "DRAW_ALGORITHM",
    "NOTICE_WORKING_DAYS",
    "OBJECTION_FILE_MAX_MB",
    "OBJECTION_FILE_TYPES",
    "OBJECTION_MAX_FILES",
    "PASS_METHOD",
    "REMIND_DAYS_BEFORE",
    "TIER_STATE",
    "VIEW_PERM",
    "assignment_conflicts",
    "auto_assign",
    "call_expert_loads",
    "certificate_number",
    "default_publication_title",
    "declare_conflict",
    "declare_no_conflict",
    "draw_key",
    "draw_sample",
    "expert_assign",
    "expert_conflict_add",
    "expert_conflict_withdraw",
    "expert_save",
    "expert_unassign",
    "formal_checklist_suggestion",
    "lock_own_assignment",
    "ranked_candidates",
    "meeting_close",
    "meeting_create",
    "meeting_decide",
    "notice_close",
    "notice_create",
    "notice_period",
    "notice_publish",
    "notices_close_due",
    "objection_file",
    "objection_handle",
    "objection_personal_data",
    "objection_result_phoned",
    "parse_scores",
    "publication_check",
    "publication_create",
    "default_title",
    "recommendation_check",
    "recommendation_pdf",
    "recommendation_rows",
    "recommendation_submit",
    "recommendation_xlsx",
    "remind_city_deadlines",
    "remove_stored",
    "require_expert_review_complete",
    "render_certificate_pdf",
    "review_decide",
    "scoresheet_save",
    "scoresheet_submit",
    "site_check_record",
    "spot_check_draw",
    "spot_check_verify",
    "store_files",
    "summary_rows",
    "weighted_total",
]
