"""A Django view that returns a PNG chart built from query parameters, as a
single-file project.

    pip install plotbox django
    python django_app.py runserver
    curl 'http://127.0.0.1:8000/chart.png?values=3,1,4,1,5&kind=bar&title=Sales' -o chart.png

In an existing project, copy `chart` into a views module and route it in urls.py.
"""

import sys

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["127.0.0.1", "localhost", "testserver"],
        SECRET_KEY="example-only-not-a-secret",
        MIDDLEWARE=[],
    )
    django.setup()

from django.http import HttpResponse, JsonResponse  # noqa: E402 (needs the settings)
from django.urls import path  # noqa: E402

import plotbox  # noqa: E402


def chart(request):
    try:
        ys = [float(v) for v in request.GET.get("values", "3,1,4,1,5,9,2,6").split(",")]
    except ValueError:
        return JsonResponse({"error": {"kind": "invalid_request", "message": "values: comma-separated numbers"}}, status=400)
    kind = request.GET.get("kind", "line")
    if kind not in ("line", "bar", "scatter"):
        return JsonResponse({"error": {"kind": "invalid_request", "message": "kind: line, bar or scatter"}}, status=400)
    fig, ax = plotbox.subplots(figsize=(6.4, 4.8))
    xs = list(range(1, len(ys) + 1))
    if kind == "bar":
        ax.bar([str(x) for x in xs], ys)
    else:
        getattr(ax, "plot" if kind == "line" else "scatter")(xs, ys)
    ax.set_title(request.GET.get("title", ""))
    try:
        png = fig.render("png", timeout=1.0, memory_mb=64)
    except plotbox.RenderError as error:
        return JsonResponse(error.to_dict(), status=error.http_status)
    return HttpResponse(png, content_type="image/png")


urlpatterns = [path("chart.png", chart)]

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
