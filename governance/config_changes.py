"""Configuration edits leave a trail: every add, change and delete of a model named in
settings.CONFIGURATION_MODELS (the catalogue, routing rules, time limits, points and credit
rules, …) made while serving a request that changes things (POST, PUT, PATCH, DELETE) — the
admin, the console, the API or a page alike — writes one append-only `ConfigChange` row with
who, where, and the fields before and after.

One mechanism for every such model and every way of editing it: `ConfigChangeMiddleware`
remembers the request being served, and model signals compare the row with what the database
held before the save. Edits outside such a request (migrations, the demo seed, a shell on the
server, a default row created while a page is read) write nothing; neither do
`QuerySet.update()` / `bulk_create`, which send no signals — the services that edit
configuration save rows one by one. Many-to-many changes (a unit's members, a user's groups)
are not compared."""

import contextvars
import hashlib
import json

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.signals import post_delete, post_save, pre_save

from .models import ConfigAction, ConfigChange

_request = contextvars.ContextVar("config_change_request", default=None)

# Fields never written to the trail as they are (a password hash) and values longer than
# LONG_VALUE characters (an area's boundary): a short digest stands for them, so a change shows
# as changed and nothing of a secret is kept.
HIDDEN = {"password"}
LONG_VALUE = 2000
IGNORED = {"last_login"}  # a sign-in's own save is not a configuration edit


class ConfigChangeMiddleware:
    """After AuthenticationMiddleware: the request whose user and path a change is recorded with
    (read when the change happens: DRF authenticates API tokens inside the view)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def _via(path: str) -> str:
    for prefix, via in (("/admin/", "admin"), ("/console/", "console"), ("/api/", "api")):
        if path.startswith(prefix):
            return via
    return "page"


def snapshot(instance) -> dict:
    """The row's concrete fields as JSON values (foreign keys as ids)."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in IGNORED:
            continue
        text = json.dumps(field.value_from_object(instance), cls=DjangoJSONEncoder, default=str)
        if (field.name in HIDDEN and text != '""') or len(text) > LONG_VALUE:
            text = json.dumps(f"sha256:{hashlib.sha256(text.encode()).hexdigest()[:12]}")
        values[field.attname] = json.loads(text)
    return values


def _write(instance, action: str, before: dict, after: dict) -> None:
    request = _request.get()
    user = getattr(request, "user", None)
    ConfigChange.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        via=_via(request.path),
        path=request.path[:200],
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        before=before,
        after=after,
    )


def remember_before(sender, instance, raw=False, **kwargs):
    if raw or _request.get() is None:
        return
    old = None
    if not instance._state.adding and instance.pk is not None:
        old = sender._base_manager.filter(pk=instance.pk).first()
    instance._config_before = snapshot(old) if old is not None else None


def record_save(sender, instance, created, raw=False, **kwargs):
    if raw or _request.get() is None or not hasattr(instance, "_config_before"):
        return
    before, after = instance.__dict__.pop("_config_before"), snapshot(instance)
    if before is None:
        _write(instance, ConfigAction.ADD, {}, after)
        return
    changed = sorted(k for k in after if before.get(k) != after[k])
    if changed:
        _write(instance, ConfigAction.CHANGE, {k: before.get(k) for k in changed}, {k: after[k] for k in changed})


def record_delete(sender, instance, **kwargs):
    if _request.get() is None:
        return
    _write(instance, ConfigAction.DELETE, snapshot(instance), {})


def connect() -> None:
    """Listen to the models of settings.CONFIGURATION_MODELS ("app_label.Model")."""
    for label in settings.CONFIGURATION_MODELS:
        model = apps.get_model(label)
        uid = f"governance.config_changes.{label}"
        pre_save.connect(remember_before, sender=model, dispatch_uid=f"{uid}.pre_save")
        post_save.connect(record_save, sender=model, dispatch_uid=f"{uid}.post_save")
        post_delete.connect(record_delete, sender=model, dispatch_uid=f"{uid}.post_delete")
