from django import template

from governance.console import sections

register = template.Library()


@register.simple_tag
def console_sections():
    """The console's installed sections (label, url, description, icon) for its side menu."""
    return sections()
