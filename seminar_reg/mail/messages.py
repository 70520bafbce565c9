"""Writing emails: rendered in the recipient's language and put in the outbox, never sent here."""

import base64
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import Environment, StrictUndefined

from seminar_reg.extensions import db
from seminar_reg.mail.models import OutboxMessage
from seminar_reg.mail.snapshot import freeze, thaw
from seminar_reg.urls import public_host

#: what builds a deferred attachment at delivery, by name: its recipe in, the file out
ATTACHMENT_MAKERS: dict[str, Callable[[dict], bytes]] = {}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes

    def as_json(self) -> dict:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "data": base64.b64encode(self.data).decode("ascii"),
        }


@dataclass(frozen=True)
class DeferredAttachment:
    """An attachment built when the message is delivered, from a recipe kept in the outbox row,
    so that the request which writes the email does not pay for building it."""

    filename: str
    content_type: str
    #: the name under which its maker is in ``ATTACHMENT_MAKERS``
    maker: str
    recipe: dict

    def as_json(self) -> dict:
        return dict(vars(self))  # the recipe is JSON already: asdict would copy it deeply


def attachment_data(attachment: dict) -> bytes:
    """The file of a stored attachment: kept as it is, or built now from its recipe."""
    if "maker" in attachment:
        return ATTACHMENT_MAKERS[attachment["maker"]](attachment["recipe"])
    return base64.b64decode(attachment["data"])


def queue_email(
    *,
    kind: str,
    to: str,
    language: str,
    subject: Callable[[], str],
    template: str,
    context: dict,
    seminar_id: int | None = None,
    registration_id: int | None = None,
    reply_to: str = "",
    attachments: tuple[Attachment | DeferredAttachment, ...] = (),
    later: bool = False,
) -> OutboxMessage:
    """Render ``email/<template>.txt`` and ``.html`` and add the message to the session.

    With ``later``, only the subject is rendered now: the context, plain data (``mail.snapshot``),
    is kept in the row and the bodies are rendered at delivery, off the request that writes the
    email. It is committed with the caller's change, or not at all; delivery happens after commit.
    """
    language = language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        message = OutboxMessage(
            kind=kind,
            to_address=to,
            reply_to=reply_to,
            subject=subject(),
            language=language,
            attachments=[attachment.as_json() for attachment in attachments],
            message_id=make_msgid(domain=public_host()),
            seminar_id=seminar_id,
            registration_id=registration_id,
        )
        if later:  # the bodies stay None until delivery renders them
            message.template, message.context = template, freeze(context)
        else:
            message.text_body = render_template(f"email/{template}.txt", **context)
            message.html_body = render_template(f"email/{template}.html", **context)
    db.session.add(message)
    db.session.info["outbox_written"] = True
    return message


def _strict_templates() -> Environment:
    """The app's templates, where a name missing from a context is an error, not "": a kept
    context that lacks what its template reads must not become an email with a gap."""
    extensions = current_app.extensions
    if "strict_email_templates" not in extensions:
        # A cache of its own: the app's cached templates belong to the lenient environment.
        extensions["strict_email_templates"] = current_app.jinja_env.overlay(
            undefined=StrictUndefined, cache_size=100
        )
    return extensions["strict_email_templates"]


def render(message: OutboxMessage) -> None:
    """Write the bodies of a message queued with ``later``, from its kept context; once.

    Raises ``jinja2.TemplateError`` when the context does not fit the template.
    """
    if message.text_body is not None:
        return
    templates = _strict_templates()
    context = thaw(message.context or {})
    with force_locale(message.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = templates.get_template(f"email/{message.template}.txt").render(context)
        html = templates.get_template(f"email/{message.template}.html").render(context)
    message.text_body, message.html_body, message.context = text, html, None
