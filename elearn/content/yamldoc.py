"""YAML mappings that remember the line of every key, for `file:line: message` problems."""

import re

import yaml

from . import messages as M
from .problems import Problem

_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_MISSING = object()


def split_front_matter(text):
    """(front_matter_text | None, body, front_matter_first_line, body_first_line, problem).

    Front matter is the block between a first line `---` and the next `---` (or `...`) line.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, text, 1, 1, M.FRONT_MATTER_MISSING
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]) + "\n", "\n".join(lines[i + 1 :]), 2, i + 2, None
    return None, text, 1, 1, M.FRONT_MATTER_UNCLOSED


class YamlDoc:
    """A YAML mapping with typed getters that report problems with the key's line."""

    def __init__(self, file, data, lines, nodes, first_line, problems):
        self.file = file
        self.data = data
        self._lines = lines
        self._nodes = nodes
        self.first_line = first_line
        self.problems = problems

    @classmethod
    def parse(cls, text, file, problems, first_line=1):
        """Parse `text` (which starts at `first_line` of `file`); None if it is not a mapping."""
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.load(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = first_line + mark.line if mark is not None else first_line
            detail = " ".join(str(p) for p in (exc_context(exc), exc_problem(exc)) if p)
            context = getattr(exc, "context_mark", None)
            if context is not None and first_line + context.line != line:
                detail += M.YAML_STARTED.format(line=first_line + context.line)
            problems.append(Problem(file, line, M.YAML_ERROR.format(detail=detail or exc)))
            return None
        if data is None:
            data, node = {}, None
        if not isinstance(data, dict):
            problems.append(Problem(file, first_line, M.YAML_NOT_MAPPING))
            return None
        lines, nodes = {}, {}
        if node is not None:
            _walk(node, (), lines, nodes, set(), file, first_line, problems)
        return cls(file, data, lines, nodes, first_line, problems)

    # Where things are ------------------------------------------------------------------------
    def line(self, *path):
        while path and path not in self._lines:
            path = path[:-1]
        return self._lines.get(path, self.first_line)

    def report(self, message, *path, **fields):
        self.problems.append(Problem(self.file, self.line(*path), message.format(**fields)))

    def check_keys(self, allowed, data=None, path=()):
        data = self.data if data is None else data
        for key in data:
            if key not in allowed:
                self.report(
                    M.UNKNOWN_KEY,
                    *path,
                    key,
                    key=key,
                    allowed=", ".join(sorted(allowed)),
                )

    # Typed getters: each returns the default after reporting a problem -----------------------
    def _get(self, key, required, path=()):
        data = self.data
        for part in path:
            data = data[part]
        value = data.get(key, _MISSING) if isinstance(data, dict) else _MISSING
        node = self._nodes.get((*path, key))
        if value is _MISSING or value is None or (node is not None and node.tag == _NULL_TAG):
            if required:
                if value is _MISSING:
                    self.report(M.MISSING_KEY, *path, key=key)
                else:
                    self.report(M.EMPTY_VALUE, *path, key, key=key)
            return _MISSING, node
        return value, node

    def text(self, key, required=False, default="", max_len=None, path=(), multiline=False):
        value, node = self._get(key, required, path)
        if value is _MISSING:
            return default
        if isinstance(value, (dict, list)):
            self.report(M.NOT_TEXT, *path, key, key=key)
            return default
        # The scalar as written: "version: 1.10" stays "1.10", "title: 2024" becomes "2024".
        scalar = isinstance(node, yaml.ScalarNode) and node.tag != _STR_TAG
        text = node.value if scalar else str(value)
        text = text if multiline else re.sub(r"\s+", " ", text)
        text = text.strip()
        if required and not text:
            self.report(M.EMPTY_VALUE, *path, key, key=key)
            return default
        if max_len and len(text) > max_len:
            self.report(M.TOO_LONG, *path, key, key=key, limit=max_len)
            return text[:max_len]
        return text

    def integer(self, key, required=False, default=0, low=None, high=None, path=()):
        value, _node = self._get(key, required, path)
        if value is _MISSING:
            return default
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(M.NOT_INT, *path, key, key=key)
            return default
        if (low is not None and value < low) or (high is not None and value > high):
            self.report(M.INT_RANGE, *path, key, key=key, low=low, high=high)
            return default
        return value

    def boolean(self, key, default, path=()):
        value, _node = self._get(key, False, path)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.report(M.NOT_BOOL, *path, key, key=key)
            return default
        return value

    def choice(self, key, choices, default, required=False, path=(), aliases=None):
        value = self.text(key, required=required, default=None, path=path)
        if value is None:
            return default
        normalized = (aliases or {}).get(value.lower(), value.lower())
        if normalized not in choices:
            self.report(M.NOT_CHOICE, *path, key, key=key, choices=", ".join(choices))
            return default
        return normalized


def exc_problem(exc):
    return getattr(exc, "problem", None)


def exc_context(exc):
    return getattr(exc, "context", None)


def _walk(node, path, lines, nodes, seen, file, first_line, problems):
    # Aliases share nodes: visiting each node once keeps a "billion laughs" document cheap.
    if id(node) in seen:
        return
    seen.add(id(node))
    nodes[path] = node
    if isinstance(node, yaml.MappingNode):
        keys = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            line = first_line + key_node.start_mark.line
            if key in keys:
                problems.append(Problem(file, line, M.DUPLICATE_KEY.format(key=key)))
            keys.add(key)
            lines[(*path, key)] = line
            _walk(value_node, (*path, key), lines, nodes, seen, file, first_line, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = first_line + item.start_mark.line
            _walk(item, (*path, i), lines, nodes, seen, file, first_line, problems)
