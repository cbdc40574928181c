from django.core.management.base import BaseCommand, CommandError

from core.transitions import verify_chain


class Command(BaseCommand):
    help = "校验流转记录哈希链，指出第一条被破坏的记录。"

    def handle(self, *args, **options):
        count, broken, reason = verify_chain()
        if broken is not None:
            raise CommandError(
                f"哈希链在第 {count} 条记录（id={broken.pk}，{broken.created_at:%Y-%m-%d %H:%M:%S}，"
                f"{broken.object_repr}：{broken.from_state}→{broken.to_state}）处断开：{reason}"
            )
        self.stdout.write(self.style.SUCCESS(f"哈希链完整：共校验 {count} 条流转记录。"))
