"""manage.py seed_demo — load the demo county (虞城县) once; later runs leave it alone."""

import time
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError, RestrictedError

from demo import grids as county_demo
from demo import incidents as case_demo
from governance import bulk
from grids.levels import AreaLevel
from grids.models import Area


def _extensions():
    """The demo parts after the county (settings.DEMO_EXTENSIONS: modules with seed_demo and
    reset_demo, in order; a test may name fewer)."""
    return [import_module(path) for path in settings.DEMO_EXTENSIONS]


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "载入演示县（虞城县 411425）：真实的乡镇和村、生成的基础网格、人员、户和居民。已载入时不做任何改动。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=county_demo.DEFAULT_SEED, help="随机种子（默认 %(default)s）")
        parser.add_argument(
            "--households-per-grid",
            type=int,
            default=None,
            help="每个基础网格固定的户数；默认每格 20–30 户、70–120 人（虞城、汉阴的基础网格）",
        )
        parser.add_argument("--scale", type=float, default=1.0, help="户数倍率（默认 %(default)s）")
        parser.add_argument("--townships", type=_positive, default=None, help="只载入 CSV 中前 N 个乡镇（测试用）")
        parser.add_argument(
            "--grids-per-village",
            type=_positive,
            default=None,
            help="每个村固定的网格数；默认按种子把全县 2257 个网格分到各村",
        )
        parser.add_argument("--reset", action="store_true", help="先删除已有的演示数据再重新生成")
        parser.add_argument(
            "--prefecture",
            choices=sorted(county_demo.PREFECTURES),
            default=None,
            help="载入整个地级市（4114 商丘市：11 个县级单位、199 个乡镇、4834 个村）；"
            "虞城县带全部演示内容，其他县带事件",
        )

    def handle(self, *args, **options):
        per_grid = options["households_per_grid"]
        if (per_grid or 0) < 0 or options["scale"] < 0:
            raise CommandError("户数和倍率不能为负数。")
        if round((30 if per_grid is None else per_grid) * options["scale"]) > 9999:
            raise CommandError("每个网格最多 9999 户（户编号为网格代码加 4 位序号）。")
        if (options["grids_per_village"] or 0) > 999:
            raise CommandError("每个村最多 999 个网格（网格代码为村代码加 3 位序号）。")
        if options["reset"]:
            try:
                for extension in reversed(_extensions()):
                    extension.reset_demo()
                county_demo.reset()
            except (ProtectedError, RestrictedError) as exc:
                raise CommandError(f"无法删除演示数据：仍有其他数据引用它们（{exc.args[0]}）") from None
            self.stdout.write("已删除原有演示数据。")
        elif county_demo.is_loaded():
            root = county_demo.demo_root()
            self.stdout.write(f"演示数据（{root.name} {root.code}）已载入，跳过。如需重建请加 --reset。")
            return
        taken = list(county_demo.demo_users().values_list("username", flat=True)[:5])
        if taken:
            raise CommandError(f"演示账号已存在（{'、'.join(taken)}…），请加 --reset 或先删除这些账号。")

        log = self.stdout.write if options["verbosity"] >= 1 else (lambda message: None)
        log(f"正在生成演示县（种子 {options['seed']}）……")
        started = time.monotonic()
        summary = county_demo.seed(
            seed=options["seed"],
            households_per_grid=options["households_per_grid"],
            scale=options["scale"],
            townships=options["townships"],
            grids_per_village=options["grids_per_village"],
            prefecture=options["prefecture"],
            log=log,
        )
        counties = f"{summary.counties} 个县级单位、" if options["prefecture"] else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"演示{'市' if options['prefecture'] else '县'}已载入：{counties}{summary.townships} 个乡镇、"
                f"{summary.villages} 个村（社区）、"
                f"{summary.grids} 个基础网格、{summary.users} 个账号、{summary.households} 户、"
                f"{summary.residents} 人，用时 {time.monotonic() - started:.1f} 秒。"
            )
        )
        county = Area.objects.get(code=county_demo.COUNTY_CODE)
        for extension in _extensions():
            extension.seed_demo(county=county, seed=options["seed"], scale=options["scale"], log=log)
        if options["prefecture"] and "demo.incidents" in settings.DEMO_EXTENSIONS:
            # the other counties: their own units, department staff and cases
            others = Area.objects.filter(
                path__startswith=county_demo.demo_root().path, level=AreaLevel.COUNTY
            ).exclude(pk=county.pk)
            for other in others.order_by("code"):
                log(f"{other.name}：")
                case_demo.seed_demo(county=other, seed=options["seed"], scale=options["scale"], log=log)
        bulk.analyze()  # the planner's statistics still describe the empty tables
        if summary.id_warnings:
            self.stderr.write(f"注意：{summary.id_warnings} 个身份证号有提示信息。")
