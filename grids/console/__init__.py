"""The admin console's pages of the data `grids` owns: the area tree, grid assignments (assign,
transfer, end, vacancies, history), people and their roles, and spreadsheet imports."""

from django.utils.translation import gettext_lazy as _l

# settings.CONSOLE_SECTIONS: (label, url name, description, icon) on the console's landing page.
SECTIONS = [
    (_l("区划与网格"), "grids-console:areas", _l("浏览和搜索区划树，查看网格人员、空缺和任职历史"), "diagram-3"),
    (_l("网格人员空缺"), "grids-console:vacancies", _l("没有在任网格员的基础网格"), "person-x"),
    (_l("用户与角色"), "grids-console:people", _l("账号、角色和负责区域"), "people"),
    (_l("数据导入"), "grids-console:imports", _l("导入区划、人员分配和住户，先试运行"), "upload"),
]
