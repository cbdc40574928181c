"""The data migration of private files (0008–0010): files written by hand before it stay reachable through the
FileFields afterwards, and migrating back gives the old name columns their names again. The columns and areas
come from the migration's own table (MOVES)."""

import datetime as dt
from importlib import import_module

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.tests.factories import SUZHOU, division
from clusters.tests.factories import ApplicationFactory, published_call, tiny_pdf
from core.storage import private_storage
from reviews.models import ObjectionFile, Recommendation, StoredFile

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("reviews", "0008_private_files_add")]
AFTER = [("reviews", "0010_private_files_finish")]
MOVES = {
    model: (old, new, area)
    for model, old, new, area in import_module("reviews.migrations.0009_private_files_fill").MOVES
}
LEGACY_NAME = {
    "StoredFile": "3f9a-photo.pdf",
    "ObjectionFile": "77aa-evidence.pdf",
    "Recommendation": "c0de-letter.pdf",
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    """Every app's newest migration: going back to BEFORE unapplied the later migrations too."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def legacy(model):
    """The row's old column set to a bare stored name, as the code before the migration wrote it."""
    old, _new, _area = MOVES[model]
    return {old: LEGACY_NAME[model]}


def legacy_path(model):
    _old, _new, area = MOVES[model]
    return f"{area}/{LEGACY_NAME[model]}"


def legacy_rows(apps, province):
    """One row of each kind with its file on disk at <PRIVATE_STORAGE_ROOT>/<area>/<stored name>."""
    call = published_call()
    storage = private_storage()
    content = {model: tiny_pdf(model) for model in MOVES}
    for model in MOVES:
        assert storage.save(legacy_path(model), ContentFile(content[model])) == legacy_path(model)
    meeting = apps.get_model("reviews", "JointReview").objects.create(
        call_id=call.pk, meeting_date=dt.date(2026, 10, 1), attendees="厅领导", created_by_id=province.pk
    )
    stored = apps.get_model("reviews", "StoredFile").objects.create(
        meeting_id=meeting.pk,
        original_name="会议纪要.pdf",
        file_type="pdf",
        size=len(content["StoredFile"]),
        uploaded_by_id=province.pk,
        **legacy("StoredFile"),
    )
    notice = apps.get_model("reviews", "Notice").objects.create(
        call_id=call.pk,
        title="公示",
        start_date=dt.date(2026, 9, 24),
        end_date=dt.date(2026, 10, 8),
        contact_department="中小企业处",
        contact_phone="025-1",
        created_by_id=province.pk,
    )
    objection = apps.get_model("reviews", "Objection").objects.create(
        notice_id=notice.pk, application_id=ApplicationFactory().pk, receipt_number="YY1", name="王五", content="内容"
    )
    evidence = apps.get_model("reviews", "ObjectionFile").objects.create(
        objection_id=objection.pk,
        original_name="证明.pdf",
        file_type="pdf",
        size=len(content["ObjectionFile"]),
        **legacy("ObjectionFile"),
    )
    document = {
        "call_id": call.pk,
        "city_id": division(SUZHOU).pk,
        "doc_date": dt.date(2026, 5, 1),
        "title": "推荐函",
        "status": "submitted",
        "created_by_id": province.pk,
    }
    recommendations = apps.get_model("reviews", "Recommendation").objects
    rec = recommendations.create(doc_number="苏〔2026〕1号", **document, **legacy("Recommendation"))
    unrendered = recommendations.create(doc_number="苏〔2026〕2号", **document)
    return {
        "StoredFile": stored.pk,
        "ObjectionFile": evidence.pk,
        "Recommendation": rec.pk,
        "unrendered": unrendered.pk,
        "content": content,
    }


def test_files_stored_before_the_migration_are_served_after_it_and_back(client, province):
    try:
        rows = legacy_rows(migrate(BEFORE), province)
        migrate(AFTER)
        migrate(latest())  # the models below are today's

        stored = StoredFile.objects.get(pk=rows["StoredFile"])
        evidence = ObjectionFile.objects.get(pk=rows["ObjectionFile"])
        rec = Recommendation.objects.get(pk=rows["Recommendation"])
        assert stored.file.name == legacy_path("StoredFile") == "reviews/3f9a-photo.pdf"
        assert evidence.file.name == legacy_path("ObjectionFile") == "objections/77aa-evidence.pdf"
        assert rec.pdf.name == legacy_path("Recommendation") == "recommendations/c0de-letter.pdf"
        assert not Recommendation.objects.get(pk=rows["unrendered"]).pdf

        client.force_login(province)
        for url, model in [
            (reverse("reviews:stored_file", args=[stored.pk]), "StoredFile"),
            (reverse("public:objection_evidence", args=[evidence.pk]), "ObjectionFile"),
            (reverse("reviews:recommendation_pdf", args=[rec.pk]), "Recommendation"),  # kept, not rendered again
        ]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert b"".join(response.streaming_content) == rows["content"][model]

        # Back: the old columns get their bare names again, as the code before the migration reads them.
        old_apps = migrate(BEFORE)
        for model in MOVES:
            old, _new, _area = MOVES[model]
            row = old_apps.get_model("reviews", model).objects.get(pk=rows[model])
            assert getattr(row, old) == LEGACY_NAME[model], model
        old, _new, _area = MOVES["Recommendation"]
        assert getattr(old_apps.get_model("reviews", "Recommendation").objects.get(pk=rows["unrendered"]), old) == ""
    finally:
        migrate(latest())
