"""The layers (docs/architecture.md): an app imports and links only into itself and the apps below.

The order is the import-linter contract in pyproject.toml; `lint-imports` checks the Python
imports, and the template check below reads the same order for `{% url %}` tags.
"""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
URL_TAG = re.compile(r"""\{%\s*url\s+['"]([\w:-]+)['"]""")


def contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return {"root_packages": config["root_packages"], "layers": layers["layers"]}


def rank() -> dict[str, int]:
    """Each app's height: governance 0, grids 1, …; siblings (`a | b`) share a height."""
    layers = contract()["layers"]
    return {app.strip(): len(layers) - 1 - i for i, layer in enumerate(layers) for app in layer.split("|")}


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
    )


def test_every_app_is_in_the_contract():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert set(contract()["root_packages"]) == apps == set(rank())


def test_the_tree_keeps_the_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    """A copy of the tree where grids imports oversight: lint-imports fails and names the import."""
    for app in contract()["root_packages"]:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("migrations", "templates", "data"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / "grids" / "selectors.py").open("a") as module:
        module.write("\nfrom oversight import panels  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout and "grids.selectors -> oversight.panels" in result.stdout


def url_owners() -> dict[str, str]:
    """Every named URL ("ns:name" or "name") → the app whose urls module or view defines it."""
    owners: dict[str, str] = {}

    def walk(patterns, prefix: str, owner: str | None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                module = getattr(entry.urlconf_module, "__name__", None) or owner
                inner = module.split(".")[0] if module else owner
                ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
                walk(entry.url_patterns, ns, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                app = owner if prefix else entry.callback.__module__.split(".")[0]
                owners.setdefault(prefix + entry.name, app)

    walk(get_resolver().url_patterns, "", None)
    return owners


def template_owner(path: Path) -> str:
    """The app a template belongs to: the app whose folder holds it; templates/ is the kernel's."""
    relative = path.relative_to(ROOT)
    return "governance" if relative.parts[0] == "templates" else relative.parts[0]


def upward_links() -> list[str]:
    heights, owners = rank(), url_owners()
    found = []
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    assert templates
    for template in templates:
        owner = template_owner(template)
        for name in URL_TAG.findall(template.read_text()):
            target = owners.get(name)
            if target in heights and target != owner and heights[target] >= heights[owner]:
                found.append(f"{template.relative_to(ROOT)} → {name} ({owner} → {target})")
    return found


def test_templates_link_only_into_their_own_app_or_below():
    assert upward_links() == []


def test_the_template_check_sees_an_upward_link(tmp_path, monkeypatch):
    """The check is live: a grids template linking to oversight is reported."""
    assert url_owners()["oversight:dashboard"] == "oversight"
    assert url_owners()["grids-console:areas"] == "grids"
    probe = tmp_path / "grids" / "templates" / "grids" / "probe.html"
    probe.parent.mkdir(parents=True)
    probe.write_text('<a href="{% url \'oversight:dashboard\' %}">态势</a>')
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "pyproject.toml").write_text((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    assert upward_links() == ["grids/templates/grids/probe.html → oversight:dashboard (grids → oversight)"]
