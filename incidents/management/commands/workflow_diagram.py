from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from incidents.workflow_doc import render


class Command(BaseCommand):
    help = "从流程表生成 docs/workflow.md（状态图和操作表）。加 --check 只检查文档是否最新。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="文档与流程表不一致时以非零状态退出")

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / "docs" / "workflow.md"
        text = render()
        if options["check"]:
            if not path.exists() or path.read_text() != text:
                self.stderr.write("docs/workflow.md 与流程表不一致：请运行 manage.py workflow_diagram")
                raise SystemExit(1)
            self.stdout.write("docs/workflow.md 是最新的。")
            return
        path.write_text(text)
        self.stdout.write(f"已写入 {path}")
