"""Clusters certified on paper before the portal (since 2023), imported by province staff from Excel.

Every row is validated first (services.import_rows) and errors are reported by row and column in Chinese; then all
rows are applied in one transaction, or none. Each row finds or creates the applicant organisation by its credit
code, creates the Cluster and a Certification with source "imported" (no call, no application, year = the
publication year) through clusters.services.imports, which logs each through core.transitions.record_event, and
invites the management body's contact to an account.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.constants import Role
from accounts.services import applicant_organisation_get_or_create, user_invite
from clusters.services.imports import certification_create_imported, cluster_create_imported
from core.exceptions import NotAllowed, ServiceError
from core.services import audit
from monitoring import permissions

from .import_rows import (  # noqa: F401 - re-exported: the file's format belongs to the import
    COLUMNS,
    ImportRow,
    RowError,
    parse_date,
    parse_import,
    template_workbook,
)


@dataclass
class ImportResult:
    certifications: list = field(default_factory=list)
    clusters_created: int = 0
    clusters_reused: int = 0
    organisations_created: int = 0
    invitations: list = field(default_factory=list)  # (organisation, email, link)


def import_certifications(*, actor, fileobj, today: datetime.date | None = None) -> tuple[ImportResult | None, list]:
    """Validate the whole file, then apply every row in one transaction, or none. Returns (result, []) or
    (None, errors by row and column)."""
    if not permissions.can_import_certifications(actor):
        raise NotAllowed("只有省工业和信息化厅可以导入认定集群。")
    rows, errors = parse_import(fileobj, today=today)
    if errors:
        return None, errors
    result = ImportResult()
    invited: set[int] = set()
    current = None
    try:
        with transaction.atomic():
            for current in rows:
                v = current.values
                org, created = applicant_organisation_get_or_create(
                    name=v["management_body"], credit_code=v["credit_code"], division=current.division
                )
                result.organisations_created += int(created)
                if current.cluster is not None:
                    cluster = current.cluster
                    result.clusters_reused += 1
                else:
                    cluster = cluster_create_imported(
                        actor=actor,
                        owner=org,
                        division=current.division,
                        name=v["name"],
                        lead_industry=v["lead_industry"],
                        segment=v.get("segment", ""),
                        area_km2=v["area_km2"],
                        management_body=v["management_body"],
                    )
                    result.clusters_created += 1
                cert = certification_create_imported(
                    actor=actor,
                    cluster=cluster,
                    number=v["number"],
                    doc_number=v["doc_number"],
                    publish_date=v["publish_date"],
                    valid_from=v["valid_from"],
                    valid_to=v["valid_to"],
                )
                result.certifications.append(cert)
                has_users = org.users.filter(is_active=True, role=Role.APPLICANT).exists()
                if org.pk not in invited and not has_users:
                    _user, link = user_invite(
                        organisation=org, email=v["contact_email"], full_name=v.get("contact_name", ""), actor=actor
                    )
                    invited.add(org.pk)
                    result.invitations.append((org, v["contact_email"], link))
            audit(
                "certifications_imported",
                user=actor,
                detail=f"导入平台上线前认定集群 {len(result.certifications)} 个，发出账号邀请 {len(result.invitations)} 个",
            )
    except (ServiceError, IntegrityError, ValidationError) as exc:
        message = getattr(exc, "message", None) or "；".join(getattr(exc, "messages", [])) or str(exc)
        return None, [RowError(current.row if current else 0, "", f"{message}（全部行均未导入）")]
    return result, []
