from django.core.management.base import BaseCommand, CommandError

from core.services import transition_log_checkpoint_problem
from core.transitions import verify_chain, verify_frozen_records


class Command(BaseCommand):
    help = "校验流转记录哈希链（HMAC-SM3）、最新检查点和已冻结记录的内容摘要，指出第一处问题。"

    def handle(self, *args, **options):
        count, broken, reason = verify_chain()
        if broken is not None:
            raise CommandError(
                f"哈希链在第 {count} 条记录（id={broken.pk}，{broken.created_at:%Y-%m-%d %H:%M:%S}，"
                f"{broken.object_repr}：{broken.from_state}→{broken.to_state}）处断开：{reason}"
            )
        problem = transition_log_checkpoint_problem()
        if problem:
            raise CommandError(f"与检查点不符：{problem}")
        changed = verify_frozen_records()
        if changed:
            lines = [f"id={row.pk} {row.created_at:%Y-%m-%d %H:%M:%S}：{what}" for row, what in changed]
            raise CommandError("以下记录在冻结后被修改：\n" + "\n".join(lines))
        self.stdout.write(self.style.SUCCESS(f"哈希链完整：共校验 {count} 条流转记录；已冻结的记录均未被修改。"))
