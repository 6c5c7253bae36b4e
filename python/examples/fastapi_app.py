"""A FastAPI endpoint that returns a PNG chart built from query parameters.

    pip install plotbox fastapi uvicorn
    uvicorn fastapi_app:app
    curl 'http://127.0.0.1:8000/chart.png?values=3,1,4,1,5&kind=bar&title=Sales' -o chart.png

The render runs on plotbox's thread pool (`render_async`), so the event loop keeps
serving other requests, and it cannot take longer than its timeout: a chart that
would is answered with 422 and the error JSON, and the worker is free again.
"""

from typing import Literal

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response

import plotbox

app = FastAPI()


@app.get("/chart.png")
async def chart(values: str = "3,1,4,1,5,9,2,6", kind: Literal["line", "bar", "scatter"] = "line", title: str = ""):
    try:
        ys = [float(v) for v in values.split(",")]
    except ValueError:
        return JSONResponse({"error": {"kind": "invalid_request", "message": "values: comma-separated numbers"}}, 400)
    fig, ax = plotbox.subplots(figsize=(6.4, 4.8))
    xs = list(range(1, len(ys) + 1))
    if kind == "bar":
        ax.bar([str(x) for x in xs], ys)
    else:
        getattr(ax, "plot" if kind == "line" else "scatter")(xs, ys)
    ax.set_title(title)
    try:
        png = await fig.render_async("png", timeout=1.0, memory_mb=64)
    except plotbox.RenderError as error:
        # The spec's error document, with its status: 400 invalid_spec, 413
        # too_large, 422 deadline_exceeded / memory_limit.
        return JSONResponse(error.to_dict(), status_code=error.http_status)
    return Response(png, media_type="image/png")
