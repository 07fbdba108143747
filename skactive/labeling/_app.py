"""The labeling page and its JSON API: a Starlette app over a :class:`LabelingSession`.

Every request, the page and its files included, must carry the session's token, as the
``token`` query parameter or the ``X-Skactive-Token`` header; it is compared in constant time.
The page takes the token from its own address and sends it as the header.
"""

import hmac
import socket
from importlib import resources

_STATIC = {"page.js": "text/javascript", "page.css": "text/css"}
_SECURITY_HEADERS = {
    # No inline script or style, nothing from elsewhere: a cell that slipped past textContent
    # could still not run. The token is in the address: never send it on as a referrer.
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self'; connect-src 'self'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def _static(name):
    return resources.files("skactive.labeling").joinpath("static", name).read_text("utf-8")


def make_app(session, token):
    """The ASGI app of a labeling session (needs starlette: the ``label`` extra).

    Routes (each needs the token; JSON in and out, errors as ``{"error": message}`` with
    status 400, 403 for a missing or wrong token, 404 for an unknown row key):

    - ``GET /``: the page; ``GET /static/page.js``, ``/static/page.css``.
    - ``GET /api/next``: :meth:`LabelingSession.next_batch`.
    - ``POST /api/labels`` ``{"answers": [{"key": ..., "label": ...}, ...]}``: each answer
      logged and fsynced in order; ``{"saved": [ack, ...], "status": ...}``.
    - ``POST /api/skip`` ``{"key": ...}``; ``POST /api/undo``.
    - ``GET /api/status``: :meth:`LabelingSession.status`.
    - ``POST /api/export`` ``{"model": true}``: :meth:`LabelingSession.export`.

    Parameters
    ----------
    session : LabelingSession
        An open session.
    token : str
        The secret every request must carry.

    Returns
    -------
    app : starlette.applications.Starlette

    Examples
    --------
    >>> from skactive.labeling import make_app
    >>> app = make_app(session=None, token="secret")
    >>> sorted(route.path for route in app.routes)[:3]
    ['/', '/api/export', '/api/labels']
    """
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    expected = token.encode("utf-8")

    def guarded(endpoint):
        def wrapper(request):
            given = request.headers.get("x-skactive-token") or \
                request.query_params.get("token") or ""
            if not hmac.compare_digest(given.encode("utf-8"), expected):
                return JSONResponse({"error": "missing or wrong token: open the address "
                                    "that 'skactive label' printed"}, 403,
                                    headers=_SECURITY_HEADERS)
            try:
                result = endpoint(request)
            except KeyError as exc:
                return JSONResponse({"error": str(exc.args[0])}, 404,
                                    headers=_SECURITY_HEADERS)
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, 400, headers=_SECURITY_HEADERS)
            if isinstance(result, Response):
                result.headers.update(_SECURITY_HEADERS)
                return result
            return JSONResponse(result, headers=_SECURITY_HEADERS)

        async def endpoint_async(request):
            from starlette.concurrency import run_in_threadpool

            if request.method == "POST":
                body = await request.body()
                request.state.body = body
            # blocking work (fsync, training for export) stays off the event loop
            return await run_in_threadpool(wrapper, request)

        return endpoint_async

    def body(request):
        import json

        raw = getattr(request.state, "body", b"") or b"{}"
        try:
            data = json.loads(raw)
        except ValueError:
            raise ValueError("the request body is not JSON") from None
        if not isinstance(data, dict):
            raise ValueError("the request body must be a JSON object")
        return data

    def page(request):
        html = _static("page.html").replace("__TOKEN__", token)
        return Response(html, media_type="text/html; charset=utf-8")

    def static(request):
        name = request.path_params["name"]
        if name not in _STATIC:
            raise KeyError(f"no file {name!r}")
        return Response(_static(name), media_type=_STATIC[name] + "; charset=utf-8")

    def next_batch(request):
        return session.next_batch()

    def labels(request):
        answers = body(request).get("answers")
        if not isinstance(answers, list) or not all(
                isinstance(a, dict) and "key" in a and "label" in a for a in answers):
            raise ValueError('expected {"answers": [{"key": ..., "label": ...}, ...]}')
        saved = [session.label(str(a["key"]), str(a["label"])) for a in answers]
        return {"saved": saved, "status": session.status()}

    def skip(request):
        key = body(request).get("key")
        if key is None:
            raise ValueError('expected {"key": ...}')
        return {**session.skip(str(key)), "status": session.status()}

    def undo(request):
        return {**session.undo(), "status": session.status()}

    def status(request):
        return session.status()

    def export(request):
        return session.export(model=bool(body(request).get("model", True)))

    routes = [
        Route("/", guarded(page), methods=["GET"]),
        Route("/static/{name}", guarded(static), methods=["GET"]),
        Route("/api/next", guarded(next_batch), methods=["GET"]),
        Route("/api/labels", guarded(labels), methods=["POST"]),
        Route("/api/skip", guarded(skip), methods=["POST"]),
        Route("/api/undo", guarded(undo), methods=["POST"]),
        Route("/api/status", guarded(status), methods=["GET"]),
        Route("/api/export", guarded(export), methods=["POST"]),
    ]
    return Starlette(routes=routes)


def bind(host="127.0.0.1", port=0):
    """A listening socket on ``host:port`` (port 0: a free one), for :func:`serve`.

    Binding before serving lets the caller print the real address (and port) first.

    Parameters
    ----------
    host : str, default='127.0.0.1'
        This computer only by default.
    port : int, default=0

    Returns
    -------
    sock : socket.socket

    Examples
    --------
    >>> from skactive.labeling import bind
    >>> sock = bind("127.0.0.1", 0)
    >>> sock.getsockname()[0]
    '127.0.0.1'
    >>> sock.close()
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another "
                      "--port, or --port 0 for a free one") from None
    sock.listen(128)
    return sock


def serve(session, sock, token, *, log_level="warning"):
    """Serve the session's app (:func:`make_app`) with uvicorn on ``sock`` until interrupted.

    Parameters
    ----------
    session : LabelingSession
        An open session.
    sock : socket.socket
        A listening socket from :func:`bind`.
    token : str
        The secret every request must carry.
    log_level : str, default='warning'

    Examples
    --------
    >>> import secrets
    >>> from skactive.labeling import LabelingSession, bind, serve
    >>> def start(path, out):  # doctest: +SKIP
    ...     with LabelingSession(path, out, target="y") as session:
    ...         sock, token = bind(), secrets.token_urlsafe(24)
    ...         print(f"http://127.0.0.1:{sock.getsockname()[1]}/?token={token}")
    ...         serve(session, sock, token)
    """
    import uvicorn

    config = uvicorn.Config(make_app(session, token), log_level=log_level, lifespan="off",
                            access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
