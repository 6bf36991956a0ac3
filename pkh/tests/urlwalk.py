"""Walking every URL pattern of the project, for the security tests."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
_GROUP = re.compile(r"\([^)]*\)")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str  # the whole route, e.g. "keluarga/<int:pk>/"
    kwargs: tuple[str, ...]  # the kwargs the URL takes
    callback: object

    @property
    def is_admin_site(self) -> bool:
        return self.name.startswith("admin:")

    def path(self, values: Mapping[str, object]) -> str:
        """The URL path with each kwarg set from ``values`` (KeyError when one is missing).

        Built from the pattern text, so unnamed patterns (the admin site's) work too;
        an unnamed group becomes "1"."""
        text = _NAMED_GROUP.sub(lambda m: str(values[m.group(1)]), self.pattern)
        text = _CONVERTER.sub(lambda m: str(values[m.group(1)]), text)
        text = _GROUP.sub("1", text).replace("^", "").replace("$", "")
        return "/" + text


def routes() -> Iterator[Route]:
    def walk(resolver: URLResolver, prefix: str, namespace: str | None):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
                converters = getattr(entry.pattern, "converters", {}) or {}
                regex_groups = tuple(entry.pattern.regex.groupindex)
                kwargs = tuple(converters) or regex_groups
                yield Route(name, prefix + str(entry.pattern), kwargs, entry.callback)

    yield from walk(get_resolver(), "", None)
