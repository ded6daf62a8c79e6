"""`POST /douane/v1/preview`: for a text and a model, what the provider would receive."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from douane.errors import BadRequest, DouaneError, ScanFailed
from douane.gateway.auth import authenticate
from douane.gateway.pipeline import load_json_body
from douane.gateway.respond import error_response
from douane.gateway.services import Services
from douane.preview import preview_text

__all__ = ["preview"]


async def preview(request: Request) -> Response:
    """Body `{"text": str, "model": str}`; the team is the calling key's."""
    services: Services = request.app.state.services
    try:
        key = await authenticate(services, request)
        body = load_json_body(await request.body(), services.config.max_body_bytes)
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            raise BadRequest("text: required, must be a string")
        if not isinstance(body.get("model"), str):
            raise BadRequest("model: required, must be a string")
        services.model(body["model"])
        try:
            result = preview_text(
                services.scanner,
                services.policy,
                services.masker,
                key.team,
                body["model"],
                body["text"],
            )
        except DouaneError:
            raise
        except Exception as exc:
            raise ScanFailed(f"preview failed ({type(exc).__name__})") from exc
    except DouaneError as exc:
        return error_response("openai", exc, "req_preview")
    return JSONResponse(result)
