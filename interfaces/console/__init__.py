"""The admin console's page of the open interfaces: the systems' API keys."""

from django.utils.translation import gettext_lazy as _l

# settings.CONSOLE_SECTIONS: (label, url name, description, icon) on the console's landing page.
SECTIONS = [
    (_l("接口密钥"), "interfaces-console:keys", _l("外部系统的接口密钥：范围、限流、吊销"), "key"),
]
