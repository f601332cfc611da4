from django.core.management.base import BaseCommand, CommandError

from grids.levels import AreaLevel
from grids.models import Area
from incidents.catalogue import ensure_catalogue


class Command(BaseCommand):
    help = "加载处置单位、事件分类和时限（幂等：只补缺，不覆盖已修改的内容；地级市时每个县各有处置单位）。"

    def handle(self, *args, **options):
        counties = list(Area.objects.filter(level=AreaLevel.COUNTY).order_by("path"))
        if not counties:
            raise CommandError("请先建立县级区域。")
        for county in counties:  # the first keeps the plain unit codes (incidents.catalogue.ensure_units)
            ensure_catalogue(county)
        self.stdout.write(self.style.SUCCESS("事件分类、时限和处置单位已就绪。"))
