"""The mails email subscribers get: the confirmation, and one per incident or maintenance update
(pure: rows and texts in, RFC 5322 messages out).

Why this shape: multipart text + HTML so that every client shows something readable, the page's
`email_header_image` on top (an http(s) URL as an image link, base64 image data as an inline
part, since mail clients block remote images more often than inline ones), and a
`List-Unsubscribe` with one-click POST (RFC 8058) so that mail clients offer to unsubscribe.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from typing import Any

from markupsafe import Markup

from recess.statuspages import images, render
from recess.statuspages.model import Degradation, Maintenance, StatusPage, Subscriber, Update

# Lines up to SMTP's limit: a long List-Unsubscribe URL stays a plain URL, not RFC 2047 words.
_POLICY = email_policy.default.clone(max_line_length=900)


@dataclass(frozen=True)
class Content:
    """What one update says, the same for every subscriber (each gets their own unsubscribe link)."""

    subject: str
    text: str
    html: Markup


def message(page: StatusPage, sender: str, to: str, content: Content, unsubscribe: str) -> EmailMessage:
    """Multipart text + HTML, the page's `email_header_image` at the top, and how to leave."""
    mail = EmailMessage(policy=_POLICY)
    mail["From"] = formataddr((f"{page.name} status", parseaddr(sender)[1] or sender))
    mail["To"] = to
    mail["Subject"] = content.subject
    mail["List-Unsubscribe"] = f"<{unsubscribe}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(f"{content.text}\n\n--\nUnsubscribe: {unsubscribe}\n")
    image = page.email_header_image or ""
    inline = None if image.startswith(("https://", "http://")) else images.decode(image) if image else None
    top = Markup("")
    if image.startswith(("https://", "http://")):
        top = Markup('<p><img src="{}" alt="{}" style="max-width:100%;max-height:80px"></p>').format(image, page.name)
    elif inline is not None:
        top = Markup('<p><img src="cid:header-image" alt="{}" style="max-width:100%;max-height:80px"></p>').format(page.name)
    mail.add_alternative(str(Markup(
        '<!doctype html><html lang="en"><body style="font-family:sans-serif;max-width:40rem">{}{}'
        '<hr><p style="font-size:.85em;color:#5b6270"><a href="{}">Unsubscribe</a></p></body></html>').format(
            top, content.html, unsubscribe)), subtype="html")
    if inline is not None:
        data, media_type = inline
        maintype, subtype = media_type.split("/", 1)
        html_part = next(p for p in mail.iter_parts() if p.get_content_type() == "text/html")
        assert isinstance(html_part, EmailMessage)
        html_part.add_related(data, maintype=maintype, subtype=subtype.split(";")[0], cid="<header-image>",
                              disposition="inline", filename="header")
    return mail


def confirmation(page: StatusPage, row: Subscriber, confirm: str) -> Content:
    what = "all of it" if row.components is None else f"{len(row.components)} of its components"
    text = (f"Someone, hopefully you, asked to be emailed about {page.name} status ({what}).\n\n"
            f"Confirm: {confirm}\n\nIf it was not you, ignore this mail: nothing will be sent.")
    html = Markup('<h1>{} status</h1><p>Someone, hopefully you, asked to be emailed about {} status ({}).</p>'
                  '<p><a href="{}">Confirm the subscription</a></p><p>If it was not you, ignore this mail: '
                  'nothing will be sent.</p>').format(page.name, page.name, what, confirm)
    return Content(f"Confirm your subscription to {page.name} status", text, html)


def update(page: StatusPage, row: Degradation | Maintenance, last: Update, names: dict[str, str], link: str) -> Content:
    """The mail about `last`, the latest update of an incident or a maintenance; `link` is its page."""
    affected: list[dict[str, Any]] = last.components_affected or []
    status = render.label(last.status)
    lines = [f"{names.get(i['id'], i.get('name', ''))}: {render.label(i['status'])}" for i in affected]
    window = ""
    if isinstance(row, Maintenance) and row.start_date is not None:
        window = f"Window: {render.utc_text(row.start_date)} to {render.utc_text(row.completed_date) if row.completed_date else '?'}"
    text = "\n".join(part for part in (
        f"{row.title}", f"Status: {status}", window, last.description or "",
        ("Components:\n" + "\n".join(f"- {line}" for line in lines)) if lines else "", f"Details: {link}") if part)
    html = Markup("<h1>{}</h1><p><strong>{}</strong></p>{}{}{}<p><a href=\"{}\">Details</a></p>").format(
        row.title, status, Markup("<p>{}</p>").format(window) if window else "",
        Markup("<p>{}</p>").format(last.description) if last.description else "",
        Markup("<ul>{}</ul>").format(Markup("").join(Markup("<li>{}</li>").format(line) for line in lines)) if lines else "",
        link)
    return Content(f"[{page.name}] {row.title}: {status}", text, html)
