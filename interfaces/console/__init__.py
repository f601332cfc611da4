"""The admin console's pages of the open interfaces: the systems' API keys and the webhooks."""

from django.utils.translation import gettext_lazy as _l

# settings.CONSOLE_SECTIONS: (label, url name, description, icon) on the console's landing page.
SECTIONS = [
    (_l("接口密钥"), "interfaces-console:keys", _l("外部系统的接口密钥：范围、限流、吊销"), "key"),
    (
        _l("Webhook 推送"),
        "interfaces-console:webhooks",
        _l("向外部系统推送事件动态：订阅、签名密钥、推送日志、重放"),
        "send",
    ),
]
