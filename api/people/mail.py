"""Mail to people (an invitation, a reset link), when ``FOLIO_SMTP_URL`` names a server; the
standard library's ``smtplib`` speaks SMTP, STARTTLS and SMTPS. Without a server, a link is
only shown to whoever made it (the admin's answer, the command's output)."""

import smtplib
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import structlog

from api.core.config import get_settings

log = structlog.get_logger(__name__)


def send(to: str, subject: str, text: str) -> bool:
    """Sends one plain-text mail; False (logged, without the text: it holds a link) when
    there is no server or it refuses."""
    settings = get_settings()
    if not settings.smtp_url:
        return False
    url = urlsplit(settings.smtp_url)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.mail_from, to, subject
    message.set_content(text)
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    try:
        with smtp_class(url.hostname or "127.0.0.1", url.port or 0, timeout=10) as smtp:
            if url.scheme == "smtp+starttls":
                smtp.starttls()
            if url.username:
                smtp.login(unquote(url.username), unquote(url.password or ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail_not_sent", to=to, subject=subject, error=type(exc).__name__)
        return False
    return True
