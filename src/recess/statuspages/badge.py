"""An SVG status badge for READMEs, in the familiar two-part shape (pure).

Why hand-written SVG: a dozen elements; no font files or network. Text widths are estimated
(about 6.5 px a character at 11 px Verdana/DejaVu) since a badge cannot measure its text; the
status is written as words, so it reads without its colour, and `<title>` names it to
assistive technology.
"""

from __future__ import annotations

from html import escape

COLOURS = {"operational": "#2e9e5b", "degraded": "#b07800", "partial_outage": "#d45f00",
           "major_outage": "#d4302a", "maintenance": "#3b6fd8"}
WORDS = {"operational": "operational", "degraded": "degraded", "partial_outage": "partial outage",
         "major_outage": "major outage", "maintenance": "maintenance"}


def _width(text: str) -> int:
    return int(len(text) * 6.5) + 12


def svg(label: str, status: str) -> str:
    message = WORDS.get(status, status)
    left, right = _width(label), _width(message)
    total = left + right
    colour = COLOURS.get(status, "#777")
    title = escape(f"{label}: {message}")
    label_text, message_text = escape(label), escape(message)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        f'<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        f'<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/><rect width="{total}" height="20" fill="url(#s)"/></g>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2}" y="14">{label_text}</text><text x="{left + right / 2}" y="14">{message_text}</text></g></svg>'
    )
