"""Where messages go (短信网关). ``settings.SMS_GATEWAY`` picks one:

- ``console`` (default): written to the log — a city without a gateway contract still runs;
- ``file``: appended as JSON lines to ``SMS_GATEWAY_FILE`` — for a pilot, or a job that forwards them;
- ``http``: POSTed as JSON to ``SMS_GATEWAY_URL`` with ``Authorization: Bearer SMS_GATEWAY_TOKEN``::

      {"id": "<message id>", "phone": "13812345678", "text": "…"}

  A 2xx answer is sent (an ``id``/``reference`` in its JSON body is kept); anything else, a timeout or
  a refused connection is a failure the outbox retries. The message id lets the gateway drop a
  message it already took when our acknowledgement was lost.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings

logger = logging.getLogger("citizens.messages")


class GatewayError(Exception):
    """The message was not taken; try again later."""


class Gateway(Protocol):
    def send(self, *, message_id: int, phone: str, text: str) -> str: ...


class ConsoleGateway:
    def send(self, *, message_id: int, phone: str, text: str) -> str:
        logger.info("message %s to %s****%s: %s", message_id, phone[:3], phone[-4:], text)
        return f"console-{message_id}"


@dataclass
class FileGateway:
    path: Path

    def send(self, *, message_id: int, phone: str, text: str) -> str:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(
                    json.dumps({"id": message_id, "phone": phone, "text": text}, ensure_ascii=False) + "\n"
                )
        except OSError as error:
            raise GatewayError(str(error)) from error
        return f"file-{message_id}"


@dataclass
class HttpGateway:
    url: str
    token: str = ""
    timeout: float = 10.0

    def send(self, *, message_id: int, phone: str, text: str) -> str:
        body = json.dumps({"id": str(message_id), "phone": phone, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310  (the configured gateway URL, http or https)
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": str(message_id)}
            | ({"Authorization": f"Bearer {self.token}"} if self.token else {}),
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = response.read()
        except urllib.error.HTTPError as error:
            raise GatewayError(f"HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise GatewayError(str(getattr(error, "reason", error))) from error
        try:
            data = json.loads(answer or b"{}")
        except ValueError:
            data = {}
        reference = data.get("id") or data.get("reference") if isinstance(data, dict) else None
        return str(reference or f"http-{message_id}")[:100]


def gateway() -> Gateway:
    kind = settings.SMS_GATEWAY
    if kind == "http":
        return HttpGateway(url=settings.SMS_GATEWAY_URL, token=settings.SMS_GATEWAY_TOKEN)
    if kind == "file":
        return FileGateway(Path(settings.SMS_GATEWAY_FILE))
    return ConsoleGateway()
