"""The web framework examples, each through its framework's own test client: a PNG
chart from query parameters, and the spec's errors as JSON with their status."""

from __future__ import annotations

import sys

import pytest

import plotbox

from conftest import REPO, png_image

sys.path.insert(0, str(REPO / "python" / "examples"))


def expected_png(values, kind, title):
    fig, ax = plotbox.subplots(figsize=(6.4, 4.8))
    xs = list(range(1, len(values) + 1))
    if kind == "bar":
        ax.bar([str(x) for x in xs], values)
    elif kind == "line":
        ax.plot(xs, values)
    else:
        ax.scatter(xs, values)
    ax.set_title(title)
    return fig.render("png")


def fastapi_get(url):
    from fastapi.testclient import TestClient

    import fastapi_app

    response = TestClient(fastapi_app.app).get(url)
    return response.status_code, response.headers["content-type"], response.content


def flask_get(url):
    import flask_app

    response = flask_app.app.test_client().get(url)
    return response.status_code, response.headers["Content-Type"], response.data


def django_get(url):
    from django.test import Client

    import django_app  # noqa: F401 (configures Django and routes /chart.png)

    response = Client().get(url)
    return response.status_code, response["Content-Type"], response.content


CLIENTS = {"fastapi": fastapi_get, "flask": flask_get, "django": django_get}


@pytest.mark.parametrize("framework", sorted(CLIENTS))
@pytest.mark.parametrize("kind", ["line", "bar", "scatter"])
def test_example_returns_the_chart_of_its_query(framework, kind):
    status, content_type, body = CLIENTS[framework](f"/chart.png?values=3,1,4,1,5&kind={kind}&title=Sales")
    assert status == 200, body[:300]
    assert content_type == "image/png"
    assert png_image(body).size == (640, 480)
    assert body == expected_png([3, 1, 4, 1, 5], kind, "Sales")


@pytest.mark.parametrize("framework", sorted(CLIENTS))
def test_example_answers_a_render_error_with_the_error_json_and_status(framework):
    import json

    status, content_type, body = CLIENTS[framework]("/chart.png?title=" + "x" * 1001)
    assert status == 413
    assert content_type.startswith("application/json")
    error = json.loads(body)["error"]
    assert error["kind"] == "too_large"
    assert error["path"] == "/axes/0/title"


@pytest.mark.parametrize("framework", sorted(CLIENTS))
def test_example_refuses_values_that_are_not_numbers(framework):
    status, content_type, _ = CLIENTS[framework]("/chart.png?values=1,two,3")
    assert status == 400
    assert content_type.startswith("application/json")


def test_the_readmes_five_line_fastapi_example_serves_the_chart():
    import re

    from fastapi.testclient import TestClient

    readme = (REPO / "python" / "README.md").read_text()
    section = readme.split("## In a web request, in five lines", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len(code.strip().splitlines()) == 5
    namespace = {}
    exec("import fastapi, plotbox\n" + code, namespace)
    response = TestClient(namespace["app"]).get("/chart.png?title=Hello")
    assert response.status_code == 200
    fig, ax = plotbox.subplots()
    ax.plot([3, 1, 4, 1, 5])
    ax.set_title("Hello")
    assert response.content == fig.render("png")
