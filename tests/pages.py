"""Reads a page by its structure (ids, classes, links) so that tests assert on data and ids rather
than on the Swedish copy, and gives the messages the code itself produces in a page's language."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask_babel import force_locale, gettext


def _collapse(text: str) -> str:
    """Runs of HTML whitespace as one space (a no-break space is kept: it is part of the text)."""
    return re.sub(r"[ \t\n\r\f]+", " ", text).strip()


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def id(self) -> str | None:
        return self.attrs.get("id")

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        """The text inside, whitespace collapsed as a reader sees it."""
        parts: list[str] = []

        def walk(node):
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)

        walk(self)
        return _collapse("".join(parts))

    def find_all(self, tag: str | None = None, *, id: str | None = None, cls: str | None = None, **attrs):
        """Every element below this one with the tag, id, class and attribute values asked for
        (an attribute asked for as True only has to be present)."""
        found = []
        for child in self.children:
            if isinstance(child, str):
                continue
            if (
                (tag is None or child.tag == tag)
                and (id is None or child.id == id)
                and (cls is None or cls in child.classes)
                and all(
                    (name.replace("_", "-") in child.attrs)
                    if value is True
                    else child.attrs.get(name.replace("_", "-")) == value
                    for name, value in attrs.items()
                )
            ):
                found.append(child)
            found.extend(child.find_all(tag, id=id, cls=cls, **attrs))
        return found

    def find(self, tag: str | None = None, **kw) -> Node | None:
        found = self.find_all(tag, **kw)
        return found[0] if found else None

    def links(self) -> list[str]:
        return [a.attrs["href"] for a in self.find_all("a") if "href" in a.attrs]


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: ("" if v is None else v) for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: ("" if v is None else v) for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def field_errors(html: str) -> dict[str, str]:
    """The message shown next to each field, by field id (`<p class="error" id="<field>-error">`)."""
    return {
        p.id.removesuffix("-error"): p.text()
        for p in parse(html).find_all("p", cls="error")
        if p.id and p.id.endswith("-error")
    }


def invalid_fields(html: str) -> set[str]:
    """The ids of the inputs marked aria-invalid."""
    return {node.id for node in parse(html).find_all(aria_invalid="true") if node.id}


def summary(html: str) -> list[str]:
    """The items of the error summary at the top of a form (empty if there is none)."""
    box = parse(html).find(id="error-summary")
    return [li.text() for li in box.find_all("li")] if box else []


def refusal(html: str) -> str | None:
    """The reason an error page gives (`<p class="refusal">`)."""
    node = parse(html).find("p", cls="refusal")
    return node.text() if node else None


def flashes(html: str) -> list[tuple[str, str]]:
    """(category, message) of each flash message on the page."""
    return [
        (next(c.removeprefix("flash-") for c in p.classes if c.startswith("flash-")), p.text())
        for p in parse(html).find_all("p", cls="flash")
    ]


def numbers(text: str) -> list[int]:
    """The whole numbers a text mentions (thousands separators of either language allowed)."""
    return [int(re.sub(r"[\s\u00a0,]", "", n)) for n in re.findall(r"\d+(?:[\u00a0 ,]\d{3})*", text)]


def words(language: str, *messages: str) -> list[str]:
    """The app's own messages (their English msgids) as they read in `language`."""
    with force_locale(language):
        return [gettext(m) for m in messages]


def say(message, language: str = "sv") -> str:
    """A message of the code (a lazy string, or a callable building one) as the reader sees it."""
    with force_locale(language):
        return str(message() if callable(message) else message)


def form_errors(app, make_form, data, language: str = "sv") -> dict[str, str]:
    """What the form itself says about `data`, by field id, as the page should show it: the
    expected value for `field_errors(page)`."""
    with app.test_request_context(method="POST", data=data), force_locale(language):
        form = make_form()
        form.validate()
        return {field.id: _collapse(" ".join(str(m) for m in field.errors)) for field in form if field.errors}


def validator_message(unbound_field, kind):
    """The message of a form field's validator of type `kind` (e.g. its Regexp): the rule that
    should refuse an input, named by the code rather than by its wording."""
    return next(v.message for v in unbound_field.kwargs["validators"] if isinstance(v, kind))
