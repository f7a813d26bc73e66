from django import template

from config.navigation import Page, pages_for

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_pages(context: template.Context) -> list[Page]:
    return pages_for(context["request"].user)
