"""Reading and validating workflows/: the definitions, the shared files beside them and the faults
a check reports, each naming the file (with its folder) and the line where the value is written.

Layout of workflows/: one folder per action, one file per call year (`ka210-sch/2026.yaml`). A file
may start with `extends: <file>` to take every top-level key of another file and override some.
Shared data sits beside the folders: programmes.yaml, countries.yaml, choices.yaml, chooser.yaml,
needs.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from ..config import ConfigError
from . import eligibility_refs
from .checks import STAGE_CHECKS
from .schema import ActionDefinition, SectionDef
from .shared import Chooser, Countries, Programmes, SharedChoices

REPOSITORY = Path(__file__).resolve().parents[2]


class DefinitionError(ConfigError):
    """Definitions that do not match the schema: one fault a line, each naming the file (with its
    folder), the line, the key path and the fault. `faults` holds them one by one."""

    def __init__(self, *faults):
        self.faults = list(faults)
        super().__init__("\n".join(str(f) for f in self.faults))


def display_name(path: Path, root: Path | None = None) -> str:
    """A file as people find it: relative to the repository (`workflows/ka210-sch/2026.yaml`), or,
    for a folder elsewhere, from that folder's own name on."""
    path = Path(path).resolve()
    bases = [REPOSITORY] + ([Path(root).resolve().parent] if root is not None else [])
    for base in bases:
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.as_posix()


@dataclass(frozen=True)
class Fault:
    """One fault: where it is written (file, line, column, key path) and what is wrong; `through`
    names the file that inherits it by `extends`, when that is not the file itself."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    loc: str = ""
    through: str | None = None

    def where(self) -> tuple:
        return self.file, self.line, self.column, self.loc, self.message

    def __str__(self) -> str:
        place = [f"line {self.line}"] if self.line else []
        if self.column:
            place.append(f"column {self.column}")
        if self.loc:
            place.append(self.loc)
        text = f"{self.file}: {', '.join(place) + ': ' if place else ''}{self.message}"
        return f"{text} (through {self.through})" if self.through else text


@dataclass(frozen=True)
class Origin:
    """A parsed file: its path, the name to show and its YAML node tree (for lines)."""

    path: Path
    name: str
    node: yaml.Node | None


@dataclass
class Sources:
    """Where each top-level key of a (possibly extended) definition was written, so that a fault is
    reported in the file and at the line that holds the value, not in the file that inherits it."""

    own: Origin
    keys: dict[str, Origin] = field(default_factory=dict)
    prepended: tuple[Origin, int] | None = None  # needs.yaml's sections, put before the file's own

    def locate(self, loc: tuple) -> tuple[Origin, tuple]:
        """The file holding the value at `loc`, and `loc` as that file writes it."""
        if not loc:
            return self.own, loc
        origin = self.keys.get(loc[0], self.own)
        if loc[0] == "sections" and self.prepended and len(loc) > 1 and isinstance(loc[1], int):
            needs, count = self.prepended
            if loc[1] < count:
                return needs, loc
            loc = ("sections", loc[1] - count, *loc[2:])
        return origin, loc

    def fault(self, loc: tuple, message: str) -> Fault:
        origin, file_loc = self.locate(tuple(loc))
        line = _line_of(origin.node, file_loc)
        through = self.own.name if origin.name != self.own.name else None
        return Fault(origin.name, message, line, loc=".".join(str(p) for p in file_loc), through=through)


#: libyaml's parser where it is installed (several times faster: start-up reads every definition).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str):
    """The document and its node tree (for line numbers), from one parse."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def _read(path: Path, root: Path | None = None):
    name = display_name(path, root)
    try:
        data, node = _parse(path.read_text(encoding="utf-8"))
        return data, Origin(path, name, node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise DefinitionError(
            Fault(
                name,
                f"not valid YAML ({problem})",
                mark.line + 1 if mark else None,
                mark.column + 1 if mark else None,
            )
        ) from None
    except OSError as exc:
        raise DefinitionError(Fault(name, f"cannot be read ({exc.strerror})")) from None


def _line_of(node, loc) -> int | None:
    """The line of the YAML node at a pydantic error location (the deepest one the file holds)."""
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _raw(path: Path, root: Path | None = None, seen: tuple[Path, ...] = ()):
    """The file's data with what it extends merged in, and where each top-level key came from."""
    data, origin = _read(path, root)
    if not isinstance(data, dict):
        raise DefinitionError(Fault(origin.name, "expected a mapping of keys at the top", 1))
    base = data.pop("extends", None)
    if base is None:
        return data, Sources(origin, dict.fromkeys(data, origin))
    base_path = (path.parent / str(base)).resolve()
    if base_path in seen or base_path == path.resolve():
        raise DefinitionError(Fault(origin.name, f"extends itself through {base}", _line_of(origin.node, ["extends"])))
    if not base_path.is_file():
        raise DefinitionError(
            Fault(
                origin.name, f"extends {base}, which does not exist", _line_of(origin.node, ["extends"]), loc="extends"
            )
        )
    base_data, base_sources = _raw(base_path, root, (*seen, path.resolve()))
    keys = {**base_sources.keys, **dict.fromkeys(data, origin)}
    return {**base_data, **data}, Sources(origin, keys)


def _validate(model: type[BaseModel], data, sources: Sources):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(*(sources.fault(err["loc"], err["msg"]) for err in exc.errors())) from None


def _load_file(path: Path, model, root: Path | None, needs: tuple[Origin, list] | None = None):
    data, sources = _raw(path, root)
    if needs and needs[1] and isinstance(data.get("sections"), list):
        data = {**data, "sections": [*needs[1], *data["sections"]]}
        sources.prepended = (needs[0], len(needs[1]))
    return _validate(model, data, sources), sources


def load_file(path: Path, model: type[BaseModel] = ActionDefinition, root: Path | None = None, prepend=()):
    needs = (Origin(path, display_name(path, root), None), list(prepend)) if prepend else None
    return _load_file(Path(path), model, root or Path(path).parent, needs)[0]


@dataclass
class Catalogue:
    """Every definition by action key and call year, and the shared data they refer to."""

    actions: dict[str, dict[int, ActionDefinition]]
    programmes: Programmes
    countries: Countries
    choices: SharedChoices
    chooser: Chooser
    needs_sections: list[SectionDef] = field(default_factory=list)

    def latest(self) -> list[ActionDefinition]:
        return [years[max(years)] for years in self.actions.values()]

    def definition(self, key: str, call_year: int | None = None) -> ActionDefinition | None:
        """The definition of `key` for `call_year`, or its newest when no year is given."""
        years = self.actions.get(key or "")
        if not years:
            return None
        return years.get(call_year) if call_year is not None else years[max(years)]


def _check_references(catalogue: Catalogue, sources_of: dict, actions_complete: bool = True) -> list[Fault]:
    """What the definitions name elsewhere; the chooser only once every action loaded (a broken one is not unknown)."""
    faults = []
    groups = set(catalogue.countries.groups)
    for key, versions in catalogue.actions.items():
        for year, definition in versions.items():
            sources = sources_of[(key, year)]
            if definition.programme not in catalogue.programmes.programmes:
                faults.append(
                    sources.fault(("programme",), f"programme {definition.programme} is not in programmes.yaml")
                )
            for stage, checks in definition.stage_checks.items():
                unknown_checks = set(checks) - set(STAGE_CHECKS)
                if unknown_checks:
                    faults.append(
                        sources.fault(("stage_checks", stage), f"names unknown checks {sorted(unknown_checks)}")
                    )
            for i, call_round in enumerate(definition.call_rounds):
                if call_round.timezone not in catalogue.programmes.deadline_zones:
                    faults.append(
                        sources.fault(
                            ("call_rounds", i, "timezone"),
                            f"programmes.yaml names no label for the time zone {call_round.timezone}",
                        )
                    )
            unknown = set(definition.eligibility.partnership.eligible_country_groups) - groups
            if unknown:
                faults.append(
                    sources.fault(
                        ("eligibility", "partnership", "eligible_country_groups"),
                        f"names unknown country groups {sorted(unknown)}",
                    )
                )
            faults += eligibility_refs.round_cap_faults(definition, sources, catalogue, actions_complete)
            faults += eligibility_refs.activity_rule_faults(definition, sources, catalogue, actions_complete)
            faults += eligibility_refs.lump_sum_faults(definition, sources, catalogue, actions_complete)
            faults += eligibility_refs.unit_cost_faults(definition, sources, catalogue, actions_complete)
            for s, section in enumerate(definition.sections):
                for i, f in enumerate(section.fields):
                    if f.choices_from and f.choices_from not in catalogue.choices.lists:
                        faults.append(
                            sources.fault(
                                ("sections", s, "fields", i, "choices_from"),
                                f"{section.key}.{f.key} takes choices from unknown list {f.choices_from}",
                            )
                        )
    chooser = sources_of["chooser"]
    for i, rec in enumerate(catalogue.chooser.recommendations):
        if actions_complete and rec.action not in catalogue.actions:
            faults.append(chooser.fault(("recommendations", i, "action"), f"recommends unknown action {rec.action}"))
    return faults


def check(folder: Path) -> tuple[Catalogue | None, list[Fault]]:
    """Load every file in `folder` and collect every fault (one file's fault does not hide another's);
    the catalogue is None when there is any."""
    folder = Path(folder)
    faults: list[Fault] = []
    reported: dict[tuple, int] = {}

    def report(found):
        """A base file's fault, seen again through a file extending it, is said once (as the base's own)."""
        for fault in found:
            where = fault.where() if isinstance(fault, Fault) else fault
            if where not in reported:
                reported[where] = len(faults)
                faults.append(fault)
            elif faults[reported[where]].through and not fault.through:
                faults[reported[where]] = fault

    def attempt(load):
        try:
            return load()
        except DefinitionError as exc:
            report(exc.faults)
            return None

    needs = attempt(lambda: _read_needs(folder / "needs.yaml", folder))
    actions: dict[str, dict[int, ActionDefinition]] = {}
    sources_of: dict = {}
    for path in sorted(folder.glob("*/*.yaml")):
        loaded = attempt(lambda path=path: _load_file(path, ActionDefinition, folder, needs))
        if loaded is None:
            continue
        definition, sources = loaded
        name, year = sources.own.name, definition.call_year
        if path.stem != str(year):
            faults.append(sources.fault(("call_year",), f"the file of call year {year} must be named {year}.yaml"))
        elif year in actions.get(definition.key, {}):
            faults.append(Fault(name, f"{definition.key} {year} is defined twice"))
        else:
            actions.setdefault(definition.key, {})[year] = definition
            sources_of[(definition.key, year)] = sources
    if not actions and not faults:
        faults.append(Fault(display_name(folder, folder), "no programme definitions found here"))
    shared = {}
    for key, name, model in (
        ("programmes", "programmes.yaml", Programmes),
        ("countries", "countries.yaml", Countries),
        ("choices", "choices.yaml", SharedChoices),
        ("chooser", "chooser.yaml", Chooser),
    ):
        loaded = attempt(lambda name=name, model=model: _load_file(folder / name, model, folder))
        if loaded is not None:
            shared[key], sources_of[key] = loaded
    if len(shared) < 4:  # the references cannot be checked without the shared files
        return None, faults
    unknown = sorted(
        {g for groups in shared["choices"].country_lists.values() for g in groups} - set(shared["countries"].groups)
    )
    if unknown:
        report([Fault(display_name(folder / "choices.yaml", folder), f"country_lists name unknown groups {unknown}")])
    shared["choices"] = shared["choices"].with_countries(shared["countries"])
    actions_complete = not faults
    catalogue = Catalogue(actions=actions, needs_sections=needs[2] if needs else [], **shared)
    report(_check_references(catalogue, sources_of, actions_complete))
    return (None if faults else catalogue), faults


def load_all(folder: Path) -> Catalogue:
    catalogue, faults = check(folder)
    if faults:
        raise DefinitionError(*faults)
    return catalogue


def _read_needs(path: Path, root: Path):
    """needs.yaml's sections: (where they are written, as data to put first, as sections)."""
    data, sources = _raw(path, root)
    sections = data.get("sections")
    if not isinstance(sections, list):
        raise DefinitionError(Fault(sources.own.name, "expected `sections:` with a list"))
    faults, parsed = [], []
    for i, s in enumerate(sections):
        try:
            parsed.append(SectionDef.model_validate(s))
        except ValidationError as exc:
            faults.extend(sources.fault(("sections", i, *err["loc"]), err["msg"]) for err in exc.errors())
    if faults:
        raise DefinitionError(*faults)
    return sources.own, [n.model_dump(exclude_none=True) for n in parsed], parsed
