"""Addresses built by templates are kept per process (elearn/routing.py); they must stay the
addresses Flask would build: per value, per blueprint, and a changed static file's new digest."""

from elearn import routing


def template_url_for(app):
    return app.jinja_env.globals["url_for"]


def test_a_changed_stylesheet_gets_its_new_address(app, tmp_path, monkeypatch):
    monkeypatch.setattr(routing, "STATIC_RECHECK_SECONDS", 0)
    app.static_folder = str(tmp_path)
    (tmp_path / "a.css").write_text("body { color: #111 }")
    url_for = template_url_for(app)
    with app.test_request_context("/"):
        first = url_for("static", filename="a.css")
        assert url_for("static", filename="a.css") == first
        (tmp_path / "a.css").write_text("body { color: #222; margin: 0 }")
        second = url_for("static", filename="a.css")
    assert first.startswith("/static/a.css?v=") and second != first


def test_kept_addresses_are_those_flask_builds(app):
    url_for = template_url_for(app)
    with app.test_request_context("/courses/"):
        for endpoint, values in [
            ("catalog.course", {"slug": "etika-asn"}),
            ("catalog.course", {"slug": "literasi-digital"}),
            ("main.home", {}),
            ("main.home", {"page": 2}),
        ]:
            kept = url_for(endpoint, **values)
            assert url_for(endpoint, **values) == kept == app.url_for(endpoint, **values)
        assert url_for("main.home", _external=True).startswith("http://")


def test_a_relative_address_follows_the_page_blueprint(app):
    url_for = template_url_for(app)
    with app.test_request_context("/courses/"):
        here = url_for(".index")
    with app.test_request_context("/admin/"):
        there = url_for(".index")
    assert here != there
