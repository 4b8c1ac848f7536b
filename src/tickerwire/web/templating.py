"""The one Jinja environment of the pages and their parts.

Templates get :func:`tickerwire.web.assembly.marker` as ``live``: where a page shows a part
that changes with the quotes, it writes ``{{ live("markets_top") }}`` and the part's
current bytes are put there when the page is assembled.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tickerwire.runtime import Runtime
from tickerwire.web.assembly import marker

templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.globals["live"] = marker


def render_template(name: str, runtime: Runtime, **context: object) -> bytes:
    """A template with what every page's header needs (the symbols for autocomplete)."""
    template = templates.get_template(name)
    return template.render(instruments=list(runtime.registry), **context).encode()


def render_part(name: str, **context: object) -> bytes:
    """A part's template: no page around it, so no header context."""
    return templates.get_template(name).render(**context).encode()
