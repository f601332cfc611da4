"""The admin console's pages of the data `incidents` owns: categories, time limits, routing rules
and the routing tester."""

from django.utils.translation import gettext_lazy as _l

# settings.CONSOLE_SECTIONS: (label, url name, description, icon) on the console's landing page.
SECTIONS = [
    (_l("事件分类与时限"), "incidents-console:categories", _l("分类、处置层级和各阶段时限"), "tags"),
    (_l("分拨规则"), "incidents-console:routing", _l("分拨规则与“某类事件在某网格由谁处置”测试"), "signpost-split"),
]
