"""The one transition service: every state change of every model in the portal goes through `transition()`.

In one database transaction it locks the row, checks the expected state (a conflict message names the current
one), asks the permission predicate, asks django-fsm whether the transition may proceed, runs it (the model's
method only changes fields in memory), validates, saves, appends the transition-log row and writes the
notifications (delivered after commit by the outbox). Apps call it from their own services
(`<entity>_<verb>(*, obj, actor, comment="")`), which add their own checks; nothing else writes a log row.
Events that are not a move along a state machine (a record created, a declaration made) are logged by
`record_event()` in this module, so the log stays complete and has one writer.
"""

import logging
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, FSMFieldMixin, can_proceed

from .cache import bump_data_version
from .exceptions import Conflict, NotAllowed, ServiceError
from .models import GENESIS_HASH, TransitionLog
from .request_context import current_client_ip

log = logging.getLogger(__name__)

# Any constant: serialises appends to the hash chain across processes on PostgreSQL.
_CHAIN_LOCK_KEY = 7_320_000

Predicate = Callable[[object, object], bool]


def system_only(actor, obj) -> bool:
    """The predicate of transitions that only the portal's own jobs perform (no user may trigger them)."""
    return actor is None


def log_transition(
    *, obj, transition: str, from_state: str, to_state: str, actor=None, comment: str = "", digest: str = ""
) -> TransitionLog:
    """Append one row to the transition log, chained to the previous row by HMAC-SM3. Private to this module:
    call `transition()` or `record_event()`."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = TransitionLog.objects.order_by("-id").only("hash").first()
        row = TransitionLog(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
            object_repr=str(obj)[:255],
            transition=transition,
            from_state=str(from_state),
            to_state=str(to_state),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=(getattr(actor, "display_name", "") or str(actor or ""))[:150] if actor else "系统",
            created_at=timezone.now(),
            comment=str(comment or ""),
            client_ip=current_client_ip(),
            digest=digest or "",
            hash_version=2,
            prev_hash=last.hash if last else GENESIS_HASH,
        )
        row.hash = row.compute_hash()
        row.save()
    bump_data_version(obj._meta.label_lower)
    return row


def frozen_stamp(record) -> str:
    """'app_label.model#pk:SM3' — which record a log row froze, and the digest of its frozen content."""
    return f"{record._meta.label_lower}#{record.pk}:{record.frozen_digest()}"


def _stamp(freeze, obj) -> str:
    if not freeze:
        return ""
    record = obj if freeze is True else freeze(obj)
    return frozen_stamp(record) if record is not None else ""


def record_event(
    obj, event: str, *, actor, to_state: str, from_state: str = "", comment: str = "", freeze=False
) -> TransitionLog:
    """Log an event that is not an FSM transition: a record created, a declaration made, a draw taken.
    With freeze=True the row carries the digest of the record's frozen content."""
    digest = _stamp(freeze, obj)
    return log_transition(
        obj=obj,
        transition=event,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        comment=comment,
        digest=digest,
    )


def record_events(
    objs, event: str, *, actor, to_state: str, from_state: str = "", comments=None
) -> list[TransitionLog]:
    """`record_event` for many objects at once (a sweep proposing a thousand cases): one chain lock, one read of
    the head, hashes chained in memory, one bulk insert. `comments` is a list parallel to `objs` (or None)."""
    objs = list(objs)
    if not objs:
        return []
    comments = list(comments) if comments is not None else [""] * len(objs)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = TransitionLog.objects.order_by("-id").only("hash").first()
        prev = last.hash if last else GENESIS_HASH
        now = timezone.now()
        ip = current_client_ip()
        actor_obj = actor if getattr(actor, "pk", None) else None
        actor_name = (getattr(actor, "display_name", "") or str(actor or ""))[:150] if actor else "系统"
        content_types = {}
        rows = []
        for obj, comment in zip(objs, comments, strict=True):
            model = type(obj)
            if model not in content_types:
                content_types[model] = ContentType.objects.get_for_model(obj, for_concrete_model=False)
            row = TransitionLog(
                content_type=content_types[model],
                object_id=str(obj.pk),
                object_repr=str(obj)[:255],
                transition=event,
                from_state=str(from_state),
                to_state=str(to_state),
                actor=actor_obj,
                actor_name=actor_name,
                created_at=now,
                comment=str(comment or ""),
                client_ip=ip,
                digest="",
                hash_version=2,
                prev_hash=prev,
            )
            row.hash = row.compute_hash()
            prev = row.hash
            rows.append(row)
        TransitionLog.objects.bulk_create(rows)
    bump_data_version(*{type(obj)._meta.label_lower for obj in objs})
    return rows


def state_field(model) -> str:
    """The name of the model's FSM field (one per model in this portal)."""
    for field in model._meta.concrete_fields:
        if isinstance(field, FSMFieldMixin):
            return field.name
    raise TypeError(f"{model.__name__} has no FSM field")


def _display(obj, field: str) -> str:
    getter = getattr(obj, f"get_{field}_display", None)
    return str(getter()) if getter else str(getattr(obj, field))


def _relation_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.is_relation]


def transition(
    obj,
    name: str,
    *,
    actor,
    permission: Predicate,
    expected_state: str | Iterable[str] | None = None,
    comment: str = "",
    args: dict | None = None,
    queryset=None,
    before: Callable | None = None,
    after: Callable | None = None,
    notify: Callable | None = None,
    freeze: bool | Callable = False,
    denied_message: str = "",
):
    """Perform the FSM transition `name` on `obj` as `actor`; returns the locked, saved instance.

    permission(actor, obj) is checked on the locked row; `before(locked)` runs before the transition method
    and `after(locked, log_row)` after the log row, both inside the transaction (they may raise ServiceError to
    undo everything); `notify(locked, log_row)` writes notifications in the same transaction. With freeze=True
    the log row carries the digest of `locked` (or of the record `freeze(locked)` returns, e.g. the version a
    submission creates), computed after the transition.
    """
    model = type(obj)
    field = state_field(model)
    noun = str(model._meta.verbose_name)
    qs = queryset if queryset is not None else model._default_manager.all()
    try:
        with transaction.atomic():
            locked = qs.select_for_update(of=("self",)).get(pk=obj.pk)
            from_state = getattr(locked, field)
            if expected_state is not None:
                allowed = [expected_state] if isinstance(expected_state, str) else list(expected_state)
                if from_state not in allowed:
                    raise Conflict(f"该{noun}的状态已变为“{_display(locked, field)}”，您的操作未执行。请刷新页面。")
            if not permission(actor, locked):
                raise NotAllowed(denied_message or f"您无权执行此操作，或{noun}当前环节不允许此操作。")
            method = getattr(locked, name)
            if not can_proceed(method):
                raise NotAllowed(f"{noun}当前为“{_display(locked, field)}”，不能执行此操作。")
            if before:
                before(locked)
            method(**(args or {}))
            if hasattr(locked, "state_changed_at"):
                locked.state_changed_at = timezone.now()
            try:
                # The FSM field is excluded: clean_fields() assigns every field back, which a protected FSM
                # field refuses. Relations and uniqueness are the database's to enforce.
                locked.full_clean(
                    exclude=[field, *_relation_fields(model)], validate_unique=False, validate_constraints=False
                )
            except ValidationError as exc:
                raise ServiceError(validation_message(exc), errors=getattr(exc, "message_dict", {})) from exc
            locked._in_transition = True
            try:
                locked.save()
            finally:
                locked._in_transition = False
            row = log_transition(
                obj=locked,
                transition=name,
                from_state=from_state,
                to_state=getattr(locked, field),
                actor=actor,
                comment=comment,
                digest=_stamp(freeze, locked),
            )
            if after:
                after(locked, row)
            if notify:
                notify(locked, row)
    except ConcurrentTransition as exc:
        raise Conflict(f"该{noun}刚被他人处理，您的操作未执行。请刷新页面。") from exc
    if getattr(actor, "pk", None):
        from .todos import invalidate

        transaction.on_commit(lambda: invalidate(actor.pk))
    return locked


def transition_many(queryset, name: str, *, expected_state: str, comment_for: Callable | None = None) -> list:
    """A system transition (actor: the system, as the daily sweep) of every row of `queryset` in
    `expected_state` at once: the rows locked, the FSM's own rule for `name` checked on each, one UPDATE of the
    state, and the log rows chained in one bulk insert (`record_events`). Constant queries however many rows:
    a sweep that marks a thousand certifications expiring writes a thousand log rows, not nine thousand
    queries. Returns the transitioned instances (their state and state_changed_at updated in memory)."""
    model = queryset.model
    field = state_field(model)
    with transaction.atomic():
        rows = list(queryset.filter(**{field: expected_state}).select_for_update(of=("self",)).order_by("pk"))
        if not rows:
            return []
        ready = [obj for obj in rows if can_proceed(getattr(obj, name))]
        if not ready:
            return []
        fsm = getattr(model, name)._django_fsm
        target = fsm.get_transition(expected_state).target
        now = timezone.now()
        values = {field: target}
        if hasattr(model, "state_changed_at"):
            values["state_changed_at"] = now
        model._default_manager.filter(pk__in=[obj.pk for obj in ready]).update(**values)
        for obj in ready:
            obj.__dict__[field] = target  # the protected FSM field refuses setattr; the row is updated
            if "state_changed_at" in values:
                obj.state_changed_at = now
        comments = [comment_for(obj) if comment_for else "" for obj in ready]
        record_events(ready, name, actor=None, to_state=target, from_state=expected_state, comments=comments)
    return ready


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(f"{m}" for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


def history_for(obj):
    """The transition log rows of one object, oldest first."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return TransitionLog.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor").order_by("id")


def verify_chain() -> tuple[int, TransitionLog | None, str]:
    """Walk the whole log; return (rows checked, first broken row or None, reason)."""
    prev = GENESIS_HASH
    count = 0
    for row in TransitionLog.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if row.prev_hash != prev:
            return count, row, "prev_hash 与上一条记录的哈希不一致（记录被删除或插入）"
        if row.compute_hash() != row.hash:
            return count, row, "记录内容与其哈希不一致（记录被篡改）"
        prev = row.hash
    return count, None, ""


def verify_frozen_records() -> list[tuple[TransitionLog, str]]:
    """Compare every frozen record with the digest its latest freezing log row carries; return the rows whose
    record was changed (or deleted) afterwards, with what happened, by whatever path (admin, raw SQL)."""
    from django.apps import apps

    latest: dict[tuple[str, str], TransitionLog] = {}
    for row in TransitionLog.objects.exclude(digest="").order_by("id").iterator(chunk_size=2000):
        label_pk, _sep, _hex = row.digest.partition(":")
        label, _sep, pk = label_pk.partition("#")
        latest[(label, pk)] = row
    by_model: dict[str, dict[str, TransitionLog]] = {}
    for (label, pk), row in latest.items():
        by_model.setdefault(label, {})[pk] = row
    problems = []
    for label, rows in by_model.items():
        model = apps.get_model(label)
        found = model._base_manager.in_bulk([model._meta.pk.to_python(pk) for pk in rows])
        for pk, row in rows.items():
            record = found.get(model._meta.pk.to_python(pk))
            if record is None:
                problems.append((row, f"{model._meta.verbose_name} #{pk} 已被删除"))
            elif frozen_stamp(record) != row.digest:
                problems.append((row, f"{model._meta.verbose_name}“{record}”（#{pk}）在冻结后被修改"))
    return sorted(problems, key=lambda p: p[0].pk)
