"""The colour-change actions as the API and the pages offer them (governance.actions): for each
workflow action, the serializer that parses its input, the service call and a summary."""

from governance.actions import Action

from . import colours
from .api import serializers as s


def _call(action):
    return lambda pk, actor, d: colours.act(action, change_id=pk, actor=actor, note=d["note"], version=d.get("version"))


ACTIONS = {
    "confirm": Action(s.ColourActionSerializer, _call("confirm"), "乡镇确认三色变更（户的颜色随之改变）"),
    "reject": Action(s.ColourActionSerializer, _call("reject"), "乡镇退回三色变更（须填写退回理由）"),
    "withdraw": Action(s.ColourActionSerializer, _call("withdraw"), "村撤回三色变更"),
}
