"""Mail to people outside the node: the national point of contact told what waits for it (ITI para 25).

One SMTP server, named in the node's settings; without one, the dashboard is the only notice. The
standard library speaks SMTP (with STARTTLS and a login where the server wants them).
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

MailError = (smtplib.SMTPException, OSError)  # what a mail server or the network may answer


@dataclass(frozen=True)
class Mailer:
    host: str
    port: int = 25
    sender: str = "armtrace@localhost"
    starttls: bool = False
    user: str = ""
    password: str = ""
    timeout: float = 10.0

    def send(self, to: str, subject: str, text: str) -> None:
        """Send one plain-text message; raises one of MailError when it cannot be handed to the server."""
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(text)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)
