"""The business servers' HTTP API on a gateway: the RTS OpenAPI actions, vendor-compatible.

``POST /?Action=SendUnicast&Version=2023-07-20`` (or ``2020-12-01``), likewise
``SendRoomUnicast``, ``BatchSendRoomUnicast`` and ``SendBroadcast``, with the vendor's JSON
bodies and response envelope (``ResponseMetadata`` with ``Error`` on failure, ``Result``),
so a business server written against the vendor changes only its host — and its
credentials: a per-app key sent as ``Authorization: Bearer KEY`` replaces the vendor's
request signing. Served by FastAPI on uvicorn inside the gateway's event loop, on a port
of its own; the OpenAPI description is generated from this module (``/openapi.json``, a
copy in ``docs/business-server-openapi.json``). The actions themselves, and every limit,
are :mod:`rtm.service.business`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import socket
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any, Final

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from ..scheduler import Scheduler
from ..service.business import (
    ACTIONS,
    MAX_BATCH_BYTES,
    MAX_MESSAGE_BYTES,
    MAX_RECIPIENTS,
    ActionError,
    BusinessActions,
    SendResult,
)

__all__ = ["MAX_BODY_BYTES", "VERSIONS", "ApiServer", "create_app", "openapi_document"]

VERSIONS: Final = ("2020-12-01", "2023-07-20")
#: Largest request body read (a 64 KB binary message is ~87 KB of base64; 600 IDs of 128
#: characters ~80 KB): past this the request is refused unread (413).
MAX_BODY_BYTES: Final = 512 * 1024
_ID = r"^[a-zA-Z0-9_@\-\.]{1,128}$"

# --- the documented shapes (the handler checks bodies itself, for precise errors) -------


class _Body(BaseModel):
    model_config = ConfigDict(extra="allow")

    AppId: str = Field(description="The app; must be the app of the bearer key.")
    From: str = Field(
        pattern=_ID, description="The business server's ID, shown to users as the sender."
    )
    Binary: bool = Field(description="true: Message is base64 of binary data.")
    Message: str = Field(description=f"Text, or base64; at most {MAX_MESSAGE_BYTES} bytes.")


class SendUnicastBody(_Body):
    """A peer message to a logged-in user, outside rooms."""

    To: str = Field(description="The user's ID (as it logged in).")


class SendRoomUnicastBody(_Body):
    """A peer message to a member of a room."""

    RoomId: str
    To: str


class BatchSendRoomUnicastBody(_Body):
    """One peer message to each listed member of a room (non-members are skipped)."""

    RoomId: str
    To: list[str] = Field(
        min_length=1,
        max_length=MAX_RECIPIENTS,
        description=f"At most {MAX_RECIPIENTS} users; Message at most {MAX_BATCH_BYTES} bytes.",
    )


class SendBroadcastBody(_Body):
    """A channel message to every member of a room."""

    RoomId: str


_BODIES: Final[dict[str, type[_Body]]] = {
    "SendUnicast": SendUnicastBody,
    "SendRoomUnicast": SendRoomUnicastBody,
    "BatchSendRoomUnicast": BatchSendRoomUnicastBody,
    "SendBroadcast": SendBroadcastBody,
}


class ErrorInfo(BaseModel):
    Code: str = Field(description="The error's name, e.g. InvalidParameter.")
    Message: str
    CodeN: int | None = None


class ResponseMetadata(BaseModel):
    RequestId: str
    Action: str
    Version: str
    Service: str = "rtc"
    Region: str = "sig2rtm"
    Error: ErrorInfo | None = Field(default=None, description="Only on failure.")


class ActionResult(BaseModel):
    Message: str | None = Field(default=None, description='"success" (2023-07-20)')
    message: str | None = Field(default=None, description='"success" (2020-12-01)')
    Delivered: int | None = Field(default=None, description="sig2rtm: sessions handed it.")
    NotInRoom: list[str] | None = Field(
        default=None, description="sig2rtm, BatchSendRoomUnicast: recipients not in the room."
    )


class Envelope(BaseModel):
    ResponseMetadata: ResponseMetadata
    Result: ActionResult | None = Field(default=None, description="Only on success.")


#: HTTP status -> what it means here (every error is an :class:`Envelope`).
_STATUSES: Final = {
    400: "Bad request: InvalidParameter, MissingParameter, InvalidActionOrVersion, "
    "TooManyRecipients",
    401: "MissingAuthorization or InvalidAuthorization (bearer key)",
    404: "UserNotOnline (SendUnicast) or UserNotInRoom (SendRoomUnicast)",
    413: "MessageTooLarge, or RequestTooLarge (body over the limit)",
    429: "FlowLimitExceeded: more than 500 messages a second for the app",
}

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <the app's key>")


def _envelope(
    action: str, version: str, *, error: ActionError | None = None, result: SendResult | None
) -> JSONResponse:
    meta: dict[str, Any] = {
        "RequestId": uuid.uuid4().hex,
        "Action": action,
        "Version": version,
        "Service": "rtc",
        "Region": "sig2rtm",
    }
    body: dict[str, Any] = {"ResponseMetadata": meta}
    if error is not None:
        meta["Error"] = {"Code": error.code, "Message": error.message}
        return JSONResponse(body, status_code=error.status)
    assert result is not None
    key = "message" if version == "2020-12-01" else "Message"
    out: dict[str, Any] = {key: "success", "Delivered": result.delivered}
    if action == "BatchSendRoomUnicast":
        out["NotInRoom"] = list(result.not_in_room)
    body["Result"] = out
    return JSONResponse(body)


async def _read_body(request: Request) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise ActionError("RequestTooLarge", f"the body exceeds {MAX_BODY_BYTES} bytes", 413)
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY_BYTES:
            raise ActionError("RequestTooLarge", f"the body exceeds {MAX_BODY_BYTES} bytes", 413)
    return bytes(data)


def _parse(action: str, raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise ActionError("InvalidParameter", "the body is not JSON") from None
    if not isinstance(body, dict):
        raise ActionError("InvalidParameter", "the body must be a JSON object")
    fields = _BODIES[action].model_fields
    missing = [name for name, field in fields.items() if field.is_required() and name not in body]
    if missing:
        raise ActionError("MissingParameter", f"{action} needs {', '.join(missing)}")
    return body


def _run(actions: BusinessActions, action: str, app: str, b: Mapping[str, Any]) -> SendResult:
    if action == "SendUnicast":
        return actions.send_unicast(app, b["From"], b["To"], b["Message"], b["Binary"])
    if action == "SendRoomUnicast":
        return actions.send_room_unicast(
            app, b["RoomId"], b["From"], b["To"], b["Message"], b["Binary"]
        )
    if action == "BatchSendRoomUnicast":
        return actions.batch_send_room_unicast(
            app, b["RoomId"], b["From"], b["To"], b["Message"], b["Binary"]
        )
    return actions.send_broadcast(app, b["RoomId"], b["From"], b["Message"], b["Binary"])


def create_app(
    actions: Callable[[], BusinessActions] | BusinessActions,
    api_keys: Mapping[str, str],
    scheduler: Callable[[], Scheduler] | None = None,
) -> FastAPI:
    """The API app. ``actions`` (or a callable giving them, once the node has started) run
    the actions; ``api_keys`` maps app IDs to their keys; ``scheduler`` gives the lock the
    service runs under."""
    keys = dict(api_keys)
    app = FastAPI(
        title="sig2rtm business-server API",
        version="1",
        summary="The RTS OpenAPI messaging actions (SendUnicast, SendRoomUnicast, "
        "BatchSendRoomUnicast, SendBroadcast), served by a sig2rtm gateway.",
        docs_url=None,
        redoc_url=None,
    )

    def get_actions() -> BusinessActions:
        return actions if isinstance(actions, BusinessActions) else actions()

    def app_of(key: str) -> str | None:
        found = None
        for app_id, expected in keys.items():
            if hmac.compare_digest(key.encode(), expected.encode()):
                found = app_id
        return found

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        names = sorted({str(err["loc"][-1]) for err in exc.errors() if err.get("loc")})
        action = request.query_params.get("Action", "")
        version = request.query_params.get("Version", "")
        error = ActionError("MissingParameter", f"the query needs {', '.join(names)}")
        return _envelope(action, version, error=error, result=None)

    @app.post(
        "/",
        operation_id="action",
        summary="Send a business server's message",
        response_model=Envelope,
        responses={
            status: {"model": Envelope, "description": text} for status, text in _STATUSES.items()
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                {"$ref": f"#/components/schemas/{model.__name__}"}
                                for model in _BODIES.values()
                            ]
                        }
                    }
                },
            }
        },
    )
    async def action(
        request: Request,
        Action: Annotated[
            str, Query(description="The action.", json_schema_extra={"enum": list(ACTIONS)})
        ],
        Version: Annotated[
            str, Query(description="The API version.", json_schema_extra={"enum": list(VERSIONS)})
        ],
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> JSONResponse:
        try:
            if credentials is None:
                raise ActionError(
                    "MissingAuthorization", "send the app's key: Authorization: Bearer KEY", 401
                )
            app_id = app_of(credentials.credentials)
            if app_id is None:
                raise ActionError("InvalidAuthorization", "the key is not an app's key", 401)
            if Action not in ACTIONS or Version not in VERSIONS:
                raise ActionError(
                    "InvalidActionOrVersion",
                    f"Action must be one of {', '.join(ACTIONS)}; "
                    f"Version one of {', '.join(VERSIONS)}",
                )
            body = _parse(Action, await _read_body(request))
            if not isinstance(body["AppId"], str):
                raise ActionError("InvalidParameter", "AppId must be a string")
            if body["AppId"] != app_id:
                raise ActionError("InvalidAuthorization", "the key is not AppId's key", 401)
            if scheduler is None:
                result = _run(get_actions(), Action, app_id, body)
            else:
                with scheduler().lock:
                    result = _run(get_actions(), Action, app_id, body)
        except ActionError as exc:
            return _envelope(Action, Version, error=exc, result=None)
        return _envelope(Action, Version, result=result)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                routes=app.routes,
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in _BODIES.values():
                generated = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(generated.pop("$defs", {}))
                components[model.__name__] = generated
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


class ApiServer:
    """The API app on uvicorn, in the running event loop, on a socket of its own.

    Signals stay with the gateway (``sig2rtm serve`` stops on SIGTERM as before): uvicorn's
    own signal handling is turned off."""

    def __init__(self, app: FastAPI, host: str, port: int) -> None:
        import uvicorn

        class _Server(uvicorn.Server):
            @contextlib.contextmanager
            def capture_signals(self) -> Iterator[None]:
                yield

        self._socket = socket.create_server((host, port))
        self.port = int(self._socket.getsockname()[1])
        # log_config=None: uvicorn's loggers go to the gateway's handlers (JSON lines).
        config = uvicorn.Config(
            app, log_config=None, log_level="warning", access_log=False, lifespan="off",
            timeout_keep_alive=30,
        )  # fmt: skip
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            self._server.serve(sockets=[self._socket])
        )
        while not self._server.started:
            if self._task.done():
                self._task.result()  # raises why it could not start
                raise OSError("the HTTP API stopped at start")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._socket.close()


def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI description (what ``/openapi.json`` serves)."""

    def no_actions() -> BusinessActions:
        raise RuntimeError("only the description is wanted")

    return create_app(no_actions, {}).openapi()


if (
    __name__ == "__main__"
):  # python -m rtm.gateway.business_http > docs/business-server-openapi.json
    print(json.dumps(openapi_document(), indent=2, ensure_ascii=False))
