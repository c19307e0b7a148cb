"""URL rules whose address builders are compiled at their first use.

Werkzeug compiles two Python functions per rule (the URL builders for url_for) when the rule is
added: with ~210 rules that is most of the time create_app takes (every worker, every `flask`
command, every test). Matching is unchanged (its regular expression is still compiled up front);
a builder is compiled the first time an address of that endpoint is built, then kept."""

from math import inf
from time import monotonic

from flask import current_app, has_request_context, request
from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    def _compile_builder(self, append_unknown=True):
        compiled = None

        def build(rule, *args, **kwargs):
            nonlocal compiled
            if compiled is None:
                compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            return compiled(*args, **kwargs)

        return build


# Addresses built by templates, kept per process. A page's layout builds the same two dozen
# addresses on every request (navigation, stylesheets, scripts), and building one costs about as
# much as a small query. An address depends only on the endpoint, its values, the blueprint (for
# ".name") and the path the application is mounted at; a static file's address carries its
# content digest, so it is built again a moment later in case the file changed.
STATIC_RECHECK_SECONDS = 2.0
URLS_KEPT = 4096
_PLAIN = (str, int, float, bool, type(None))


def init_template_urls(app):
    build = app.url_for
    kept = {}

    def url_for(endpoint, **values):
        if not has_request_context() or any(
            k[:1] == "_" or type(v) not in _PLAIN for k, v in values.items()
        ):  # _external, _anchor, _scheme, _method, or a value that is not plain: built each time
            return build(endpoint, **values)
        blueprint = request.blueprint if endpoint[:1] == "." else None
        key = (endpoint, blueprint, request.script_root, *sorted(values.items()))
        now = monotonic()
        hit = kept.get(key)
        if hit is not None and hit[1] > now:
            return hit[0]
        url = build(endpoint, **values)
        if len(kept) >= URLS_KEPT:
            kept.clear()
        kept[key] = (url, now + STATIC_RECHECK_SECONDS if endpoint == "static" else inf)
        return url

    app.jinja_env.globals["url_for"] = url_for


def kept_url_for(endpoint, **values):
    """url_for through the per-process addresses above, for code that builds the layout's
    links (the navigation)."""
    return current_app.jinja_env.globals["url_for"](endpoint, **values)
