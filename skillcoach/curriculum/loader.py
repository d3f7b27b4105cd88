"""Read curriculum YAML files into models, reporting problems as ``file: field: problem``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from skillcoach.curriculum.models import ClaimList, Skill, SourceList
from skillcoach.errors import SkillcoachError

SOURCES_FILE = "sources.yaml"
CLAIMS_FILE = "claims.yaml"
DATA_FILES = (SOURCES_FILE, CLAIMS_FILE)  # beside the skill files, not skills themselves
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is there


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a curriculum file: the file, the field and what is wrong, printed on one line."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class CurriculumError(SkillcoachError):
    """The curriculum cannot be used; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"curriculum has {len(problems)} problem(s):\n{shown}{more}")


@dataclass(frozen=True)
class RawCurriculum:
    """A curriculum directory as parsed, before validation: its skills, sources, claims and the problems found."""

    skills: dict[str, Skill]  # file name -> skill
    sources: SourceList | None
    problems: list[Problem]
    claims: ClaimList | None = None
    directory: Path | None = None
    locale: str = "en"
    fallbacks: dict[str, list[str]] | None = None  # translated file -> fields taken from English


def read_dir(directory: Path, locale: str = "en") -> RawCurriculum:
    """Parse every skill file of ``locale`` in ``directory``; collect problems, never raise."""
    problems: list[Problem] = []
    if not directory.is_dir():
        return RawCurriculum({}, None, [Problem(str(directory), "-", "curriculum directory not found")])
    sources = _parse(directory / SOURCES_FILE, SourceList, problems)
    claims = _parse(directory / CLAIMS_FILE, ClaimList, problems) if (directory / CLAIMS_FILE).exists() else None
    skills: dict[str, Skill] = {}
    if locale != "en":  # a translation: <directory>/<locale>/*.yaml read over the English files
        from skillcoach.curriculum.localize import read_language

        skills, fallbacks = read_language(directory, locale, problems)
        return RawCurriculum(skills, sources, problems, claims, directory, locale, fallbacks)
    for path in sorted(directory.glob("*.yaml")):
        if path.name in DATA_FILES:
            continue
        skill = _parse(path, Skill, problems)
        if skill is not None and skill.locale == locale:
            skills[path.name] = skill
    if not skills and not problems:
        problems.append(Problem(str(directory), "-", f"no skill files for locale {locale!r}"))
    return RawCurriculum(skills, sources, problems, claims, directory)


def _parse(path: Path, model: type[Any], problems: list[Problem]) -> Any:
    name = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except FileNotFoundError:
        problems.append(Problem(name, "-", "file not found"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, "-", f"cannot read: {exc}"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "-"
        problems.append(Problem(name, where, f"invalid YAML: {getattr(exc, 'problem', exc)}"))
        return None
    return _parse_data(name, data, model, problems)


def _parse_data(name: str, data: Any, model: type[Any], problems: list[Problem]) -> Any:
    """Validate parsed YAML ``data`` as ``model``, adding its problems under file ``name``."""
    if not isinstance(data, dict):
        problems.append(Problem(name, "-", "expected a mapping at the top level"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            field = describe_location(data, err["loc"])
            problems.append(Problem(name, field, err["msg"].removeprefix("Value error, ")))
        return None


def describe_location(data: Any, loc: tuple[Any, ...]) -> str:
    """Render a pydantic error location, naming list elements by their id when they have one."""
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int) and isinstance(node, list) and step < len(node):
            node = node[step]
            ident = node.get("id") if isinstance(node, dict) else None
            parts[-1 if parts else 0:] = [f"{parts[-1] if parts else ''}[{ident or step}]"]
            continue
        parts.append(str(step))
        node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "-"
