"""URL rules whose address builders are compiled at their first use.

Werkzeug compiles two Python functions per rule (the URL builders for url_for) when the rule is
added: with ~210 rules that is most of the time create_app takes (every worker, every `flask`
command, every test). Matching is unchanged (its regular expression is still compiled up front);
a builder is compiled the first time an address of that endpoint is built, then kept."""

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
