"""A Flask view that returns a PNG chart built from query parameters.

    pip install plotbox flask
    flask --app flask_app run
    curl 'http://127.0.0.1:5000/chart.png?values=3,1,4,1,5&kind=bar&title=Sales' -o chart.png

`fig.render` runs in the request's own thread; plotbox is thread-safe, so a threaded
server renders several charts at once, and none can hold its worker past the timeout.
"""

from flask import Flask, Response, jsonify, request

import plotbox

app = Flask(__name__)


@app.get("/chart.png")
def chart():
    try:
        ys = [float(v) for v in request.args.get("values", "3,1,4,1,5,9,2,6").split(",")]
    except ValueError:
        return jsonify(error={"kind": "invalid_request", "message": "values: comma-separated numbers"}), 400
    kind = request.args.get("kind", "line")
    if kind not in ("line", "bar", "scatter"):
        return jsonify(error={"kind": "invalid_request", "message": "kind: line, bar or scatter"}), 400
    fig, ax = plotbox.subplots(figsize=(6.4, 4.8))
    xs = list(range(1, len(ys) + 1))
    if kind == "bar":
        ax.bar([str(x) for x in xs], ys)
    else:
        getattr(ax, "plot" if kind == "line" else "scatter")(xs, ys)
    ax.set_title(request.args.get("title", ""))
    try:
        png = fig.render("png", timeout=1.0, memory_mb=64)
    except plotbox.RenderError as error:
        return jsonify(error.to_dict()), error.http_status
    return Response(png, mimetype="image/png")
