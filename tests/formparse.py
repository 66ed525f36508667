"""Finds the POST forms of a page and their fields, so property tests can fill any form."""

from html.parser import HTMLParser


class Field:
    def __init__(self, name, kind, options=()):
        self.name, self.kind, self.options = name, kind, list(options)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action"), "method": (a.get("method") or "get").lower(), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = "hidden" if "hidden" in a else a.get("type", "text")
            field = self._form["fields"].setdefault(a["name"], Field(a["name"], kind))
            if kind in ("checkbox", "radio"):
                field.options.append(a.get("value", "y"))
        elif tag == "textarea" and a.get("name"):
            self._form["fields"][a["name"]] = Field(a["name"], "textarea")
        elif tag == "select" and a.get("name"):
            self._select = self._form["fields"][a["name"]] = Field(a["name"], "select")
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def post_forms(html: str, own_url: str) -> list[dict]:
    parser = _Parser()
    parser.feed(html)
    forms = []
    for form in parser.forms:
        if form["method"] != "post":
            continue
        action = form["action"] or own_url
        if action.startswith(("/language", "/sign-out")):
            continue
        if all(f.kind == "hidden" for f in form["fields"].values()):
            continue  # a bare action button (remove, resend): nothing to type into
        forms.append({"action": action, "fields": form["fields"]})
    return forms
