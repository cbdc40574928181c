import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import Division
from accounts.tests.factories import UserFactory
from core.models import GENESIS_HASH, AppendOnlyError, TransitionLog
from core.transitions import history_for, log_transition, verify_chain

pytestmark = pytest.mark.django_db


def _rows(n, actor):
    obj = Division.objects.get(code="320583")
    return [
        log_transition(
            obj=obj, transition=f"t{i}", from_state=f"s{i}", to_state=f"s{i + 1}", actor=actor, comment=f"第{i}条"
        )
        for i in range(n)
    ]


def test_rows_chain_and_verify():
    actor = UserFactory()
    rows = _rows(4, actor)
    assert rows[0].prev_hash == GENESIS_HASH
    for prev, row in zip(rows, rows[1:], strict=False):
        assert row.prev_hash == prev.hash
    assert all(r.hash == r.compute_hash() for r in TransitionLog.objects.all())
    count, broken, _reason = verify_chain()
    assert count == 4 and broken is None
    assert rows[2].actor_name == actor.display_name


def test_history_for_lists_one_objects_rows_in_order():
    actor = UserFactory()
    _rows(3, actor)
    other = Division.objects.get(code="320582")
    log_transition(obj=other, transition="x", from_state="a", to_state="b", actor=None)
    assert [r.transition for r in history_for(Division.objects.get(code="320583"))] == ["t0", "t1", "t2"]
    assert history_for(other).get().actor_name == "系统"


def test_orm_cannot_update_or_delete():
    row = _rows(1, UserFactory())[0]
    with pytest.raises(AppendOnlyError):
        row.comment = "改"
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.filter(pk=row.pk).update(comment="改")
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.filter(pk=row.pk).delete()
    assert TransitionLog.objects.get(pk=row.pk).comment == "第0条"


def test_command_reports_intact_chain(capsys):
    _rows(3, UserFactory())
    call_command("verify_transition_log")
    assert "共校验 3 条" in capsys.readouterr().out


def test_command_names_first_tampered_row():
    rows = _rows(5, UserFactory())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_transitionlog SET comment = %s WHERE id = %s", ["篡改", rows[2].pk])
    with pytest.raises(CommandError) as exc:
        call_command("verify_transition_log")
    assert f"id={rows[2].pk}" in str(exc.value) and "篡改" in str(exc.value)


def test_command_detects_a_deleted_row():
    rows = _rows(4, UserFactory())
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_transitionlog WHERE id = %s", [rows[1].pk])
    count, broken, reason = verify_chain()
    assert broken.pk == rows[2].pk and "删除" in reason


def test_bulk_events_chain_like_single_ones(django_assert_max_num_queries):
    from core.transitions import record_events

    divisions = list(Division.objects.filter(parent__code="320500"))
    _rows(2, UserFactory())
    with django_assert_max_num_queries(6):
        rows = record_events(
            divisions, "propose", actor=None, to_state="proposed", comments=[d.name for d in divisions]
        )
    assert len(rows) == len(divisions) > 5
    assert verify_chain()[1] is None
    assert history_for(divisions[0]).get().comment == divisions[0].name
