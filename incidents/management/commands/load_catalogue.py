from django.core.management.base import BaseCommand, CommandError

from grids.levels import AreaLevel
from grids.models import Area
from incidents.catalogue import ensure_catalogue


class Command(BaseCommand):
    help = "加载处置单位、事件分类和时限（幂等：只补缺，不覆盖已修改的内容）。"

    def handle(self, *args, **options):
        county = Area.objects.filter(level=AreaLevel.COUNTY).first()
        if county is None:
            raise CommandError("请先建立县级区域。")
        ensure_catalogue(county)
        self.stdout.write(self.style.SUCCESS("事件分类、时限和处置单位已就绪。"))
