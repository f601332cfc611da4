"""The OpenAPI schema's error answers and permissions, added to every operation in one place.

drf-spectacular describes what a view answers when it succeeds; what it answers when it does not
is the same for the whole API and comes from the kernel (governance.exceptions for errors inside
DRF views, governance.error_pages for what happens outside them). `postprocess` — the
POSTPROCESSING_HOOK in settings.SPECTACULAR_SETTINGS — adds to each operation the error statuses
it can answer, each with its JSON body as a component, and describes who may call it:

- 400 `ValidationError` — an operation with a request body or query parameters: `{field: [中文消息]}`
  (nested for nested fields), `{"detail": …}` for a body that does not parse;
- 401 `Error` + `WWW-Authenticate` — only where the first authenticator names a scheme (the API
  keys' `X-API-Key`, knox's token on the token-revoking endpoints): a key or token not valid;
- 403 `Error` — every operation that needs a caller: none given (session authentication comes
  first, and DRF then answers 403, not 401), or a role that may not;
- 404 `Error` — a path with parameters (an object that does not exist or is outside the caller's
  areas), a list with a `cursor` or `page` (one that is not one), an `area` query parameter;
- 409 `Conflict` (`detail`, `current_state`, `current_version`) — a change of an existing object
  (a workflow action, an edit): a stale `version` or a state that does not allow it;
- 422 `Error` — an operation taking an `Idempotency-Key`: the key used before for another body;
- 429 `Error` + `Retry-After` — a throttled operation (token endpoint, ID-number search, API keys).

A response a view declares itself (`extend_schema(responses={409: OpenApiResponse(description=…)})`)
keeps its description and gets the body; one that already has a body is left as it is, except
that a 400 of its own may also be DRF's field errors (`anyOf` the view's body and ValidationError). A view can
add a status the rules above do not give it the same way. The permissions go in the operation's
description (a paragraph 「权限：…」) and in `x-permissions` (`authentication`, `permissions`,
`scoped`): from the view's authentication and permission classes — a project permission class says
what it checks in `openapi_description` or its docstring's first line — and the view's optional
`permission_note` (text, or a dict by action name).

tests/governance/test_openapi.py checks every operation; tests/api/test_fuzz.py checks against a
live server that every status the API answers is declared (docs/api.md).
"""

from django.utils.encoding import force_str
from rest_framework import permissions as drf_permissions
from rest_framework.authentication import SessionAuthentication

WRITE_METHODS = {"post", "put", "patch", "delete"}
# Query parameters that name something which may not be there: a page of a paginated list (DRF
# answers 404 for a cursor or page number that is not one), the area a figure is asked for.
NAMING_QUERY = {"cursor", "page", "area"}
JSON = "application/json"

COMPONENTS = {
    "Error": {
        "type": "object",
        "description": "错误：中文说明。",
        "properties": {"detail": {"type": "string", "description": "中文的错误说明"}},
        "required": ["detail"],
    },
    "ValidationError": {
        "description": (
            "输入有误：字段名 → 中文消息列表（嵌套字段为对象，列表中第 n 项的错误在第 n 个位置），"
            "不属于某个字段的消息在 `non_field_errors` 下；请求体无法解析时为 `{\"detail\": …}`。"
        ),
        "anyOf": [
            {
                "type": "object",
                "additionalProperties": {
                    "anyOf": [{"type": "array"}, {"type": "object"}, {"type": "string"}],
                },
                "example": {"phone": ["请输入有效的手机号码。"], "non_field_errors": ["经纬度须同时提供。"]},
            },
            {"type": "array", "items": {"type": "string"}},
        ],
    },
    "Conflict": {
        "type": "object",
        "description": "冲突：对象已被他人处理（`version` 过期），或当前状态不允许该操作。",
        "properties": {
            "detail": {"type": "string"},
            "current_state": {"type": "string", "description": "对象当前的状态"},
            "current_version": {"type": "integer", "nullable": True, "description": "对象当前的版本号，刷新后重试用"},
        },
        "required": ["detail"],
    },
}

RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "多少秒后可以再试"}}

# status → (component, default description)
STATUSES = {
    400: ("ValidationError", "输入有误（逐字段的中文说明）"),
    401: ("Error", "未认证：密钥或令牌无效、已吊销"),
    403: ("Error", "未登录，或您的角色不能执行此操作"),
    404: ("Error", "不存在，或不在您的辖区内（辖区外的对象与不存在的对象答复相同）"),
    409: ("Conflict", "已被他人处理（version 过期），或当前状态不允许此操作"),
    422: ("Error", "同一 Idempotency-Key 已用于内容不同的请求"),
    429: ("Error", "请求过于频繁，请按 Retry-After 等待后再试"),
}

# DRF's permission classes in a sentence; the project's own say it themselves.
KNOWN_PERMISSIONS = {
    drf_permissions.AllowAny: "无需登录",
    drf_permissions.IsAuthenticated: "须登录（会话，或请求头 Authorization: Token <令牌>）",
    drf_permissions.IsAdminUser: "仅工作人员账号（is_staff）",
    drf_permissions.IsAuthenticatedOrReadOnly: "读取无需登录，修改须登录",
}


def postprocess(result, generator, request, public, **kwargs):
    """The POSTPROCESSING_HOOK: error answers and permissions on every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        schemas.setdefault(name, schema)
    for path, method, view in _operations(generator):
        operation = result["paths"].get(path, {}).get(method)
        if operation is None:
            continue
        for status in sorted(_statuses(path, method, view, operation)):
            _declare(operation, status)
        _describe_permissions(operation, view)
    return result


def _operations(generator):
    """(schema path, lower-case method, view) for every endpoint the generator described."""
    for path, _regex, method, callback in generator.endpoints or []:
        view = generator.create_view(callback, method)
        yield generator.coerce_path(path, method, view), method.lower(), view


def _permission_classes(view) -> list:
    return [type(p) for p in view.get_permissions()]


def is_public(view) -> bool:
    classes = _permission_classes(view)
    return bool(classes) and all(c is drf_permissions.AllowAny for c in classes)


def _statuses(path: str, method: str, view, operation: dict) -> set[int]:
    declared = {int(code) for code in operation.get("responses", {}) if str(code).isdigit()}
    found = {code for code in declared if code >= 400}
    parameters = operation.get("parameters", [])
    query = [p for p in parameters if p.get("in") == "query"]
    if "requestBody" in operation or query:
        found.add(400)
    if not is_public(view):
        found.add(403)
        authenticators = view.get_authenticators()
        if authenticators and not isinstance(authenticators[0], SessionAuthentication):
            if authenticators[0].authenticate_header(None):
                found.add(401)
    if "{" in path or any(p.get("name") in NAMING_QUERY for p in query):
        found.add(404)  # an object outside the caller's areas, a cursor or page that is not one
    if method in WRITE_METHODS and "{" in path:
        found.add(409)  # every change of an existing object goes through workflow.perform's version check
    if any(p.get("in") == "header" and p.get("name", "").lower() == "idempotency-key" for p in parameters):
        found.add(422)
    if view.get_throttles():
        found.add(429)
    return found


def _declare(operation: dict, status: int):
    component, description = STATUSES.get(status, ("Error", "错误"))
    responses = operation.setdefault("responses", {})
    response = responses.setdefault(str(status), {"description": description})
    if not response.get("description"):
        response["description"] = description
    ref = {"$ref": f"#/components/schemas/{component}"}
    if "content" not in response:
        response["content"] = {JSON: {"schema": ref}}
    elif status == 400 and JSON in response["content"]:
        # A view's own 400 body (an import's report…): DRF's field errors can answer too.
        own = response["content"][JSON].get("schema", {})
        if own != ref and ref not in own.get("anyOf", []):
            response["content"][JSON]["schema"] = {"anyOf": [own, ref]}
    headers = response.setdefault("headers", {}) if status in (401, 429) else None
    if status == 429:
        headers.update(RETRY_AFTER)
    elif status == 401:
        headers["WWW-Authenticate"] = {"schema": {"type": "string"}, "description": "应提供的认证方式"}


def _sentence(permission_class) -> str:
    if permission_class in KNOWN_PERMISSIONS:
        return KNOWN_PERMISSIONS[permission_class]
    text = getattr(permission_class, "openapi_description", None) or (permission_class.__doc__ or "").strip()
    return force_str(text).split("\n")[0].strip() or permission_class.__name__


def _authentication(view) -> list[str]:
    names = []
    for authenticator in view.get_authenticators():
        header = authenticator.authenticate_header(None) if not isinstance(authenticator, SessionAuthentication) else ""
        if isinstance(authenticator, SessionAuthentication):
            names.append("会话（登录后的 Cookie，写操作带 CSRF 令牌）")
        elif header == "Token":
            names.append("令牌（Authorization: Token <令牌>，POST /api/v1/auth/token/ 换取）")
        elif header:
            names.append(f"请求头 {header}")
        else:
            names.append(type(authenticator).__name__)
    return names


def _describe_permissions(operation: dict, view):
    public = is_public(view)
    sentences = [_sentence(c) for c in _permission_classes(view)]
    note = getattr(view, "permission_note", None)
    if isinstance(note, dict):
        note = note.get(getattr(view, "action", None))
    scoped = not public and not getattr(view, "permission_unscoped", False)
    parts = list(dict.fromkeys(sentences))
    if note:
        parts.append(force_str(note))
    if scoped:
        parts.append("所见与所改限于调用者任职的区域（辖区）；辖区外的对象答 404，角色不允许的操作答 403")
    text = "；".join(parts) + "。"
    operation["x-permissions"] = {
        "authentication": [] if public else _authentication(view),
        "permissions": parts,
        "scoped": scoped,
    }
    description = operation.get("description", "")
    operation["description"] = (description + "\n\n" if description else "") + f"**权限**：{text}"
