import re

from tests.support.factories import article_payload, make_sections


def test_openapi_document_matches_the_routes(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routed.add((path, method))
    assert documented == routed


def test_openapi_parameters_are_declared(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        assert names == declared, path


def test_a_translations_etag_is_documented_as_it_is_sent(client, editor, admin):
    """GET and PUT of a translation send the ETag a restore's If-Match names: the document
    declares it, and what is sent matches the declared pattern."""
    make_sections(client, admin)
    created = client.post("/api/v1/articles", json=article_payload(), headers=editor)
    url = f"/api/v1/articles/{created.get_json()['id']}/translations/zh"
    item = client.get("/api/v1/openapi.json").get_json()["paths"][
        "/api/v1/articles/{public_id}/translations/{language}"
    ]
    declared = {
        method: item[method]["responses"]["200"]["headers"]["ETag"] for method in ("get", "put")
    }
    assert declared["get"] == declared["put"]
    pattern = declared["get"]["schema"]["pattern"]
    put = client.put(url, json={"title": "长三角", "body_html": "<p>正文</p>"}, headers=editor)
    got = client.get(url, headers=editor)
    assert put.status_code == got.status_code == 200
    for response in (put, got):
        assert re.fullmatch(pattern, response.headers["ETag"]), response.headers["ETag"]
    assert got.headers["ETag"] == f'"{created.get_json()["id"]}.zh.r1"'
