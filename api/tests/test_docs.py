"""/api/schema/ and /api/docs/: the docs page runs under the site's CSP (script-src 'self', no inline script) with
every asset served by the portal itself."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.links, self.inline = [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._in_script = True
            self.scripts.append(attrs.get("src"))
        elif tag in ("link", "img") and (attrs.get("href") or attrs.get("src")):
            self.links.append(attrs.get("href") or attrs.get("src"))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append(data)


def test_docs_page_has_no_inline_script_and_no_external_asset(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    page = Assets()
    page.feed(response.content.decode())
    assert page.inline == []
    assert page.scripts and None not in page.scripts  # every script has a src
    for url in page.scripts + page.links:
        parts = urlsplit(urljoin("http://testserver/api/docs/", url))
        assert parts.netloc == "testserver", url
    for url in page.scripts + page.links:
        path = urlsplit(url).path
        if path.startswith(settings.STATIC_URL):
            assert finders.find(path.removeprefix(settings.STATIC_URL)), f"missing static file {path}"
    init = [u for u in page.scripts if not u.startswith(settings.STATIC_URL)]
    assert len(init) == 1  # the init script: served by the portal, as a file
    script = client.get(init[0])
    assert script.status_code == 200 and "javascript" in script["Content-Type"]
    assert "/api/schema/" in script.content.decode()


def test_schema_is_openapi_3_and_public(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in [
        "/api/calls/", "/api/divisions/", "/api/clusters/", "/api/applications/", "/api/applications/{id}/",
        "/api/applications/{id}/eligibility/", "/api/applications/{id}/year-data/",
        "/api/applications/{application_pk}/transitions/", "/api/notices/", "/api/certifications/",
        "/api/certifications/{number}/",
    ]:  # fmt: skip
        assert path in paths, path
    assert schema["components"]["securitySchemes"]["ApiToken"]["scheme"] == "bearer"
    assert "security" not in paths["/api/notices/"]["get"] or paths["/api/notices/"]["get"]["security"] == [{}]
