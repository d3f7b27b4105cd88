"""A second language of the curriculum: ``config/curriculum/<lang>/<skill>.yaml`` over the English files.

Each translated file is a full parallel file (same ids, keys and answers). It is read over its
English twin field by field, so a field the translation lacks falls back to English; the fallbacks
are returned so the validator can report them as ``file: field: missing ...`` lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from skillcoach.curriculum.loader import DATA_FILES, SAFE_LOADER, Problem, _parse_data

DEFAULT_LANG = "en"
LANGUAGES = ("en", "ko")
_IDENTITY_KEYS = ("id", "key")  # list elements are matched by these, not by position


def language_dir(directory: Path, lang: str) -> Path:
    """Where the skill files of ``lang`` live: the curriculum directory itself for English."""
    return directory if lang == DEFAULT_LANG else directory / lang


def skill_files(directory: Path) -> list[Path]:
    """Return the skill files of a curriculum directory, sorted, leaving out the sources and claims files."""
    return [p for p in sorted(directory.glob("*.yaml")) if p.name not in DATA_FILES]


def read_yaml(path: Path) -> Any:
    """A YAML file's data, or None when it cannot be read (the English read reports why)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def overlay(base: Any, local: Any, where: str, missing: list[str]) -> Any:
    """``local`` over ``base``: every field the translation has, English for the rest (noted in ``missing``)."""
    if isinstance(base, dict):
        if not isinstance(local, dict):
            missing.append(where or "-")
            return base
        merged = {}
        for key, value in base.items():
            path = f"{where}.{key}" if where else str(key)
            if key in local and local[key] not in (None, "", []):
                merged[key] = overlay(value, local[key], path, missing)
            else:
                if value not in (None, "", []):
                    missing.append(path)
                merged[key] = value
        merged.update({k: v for k, v in local.items() if k not in base})
        return merged
    if isinstance(base, list) and base and all(isinstance(x, dict) for x in base):
        return _overlay_list(base, local if isinstance(local, list) else [], where, missing)
    return local


def _overlay_list(base: list[dict[str, Any]], local: list[Any], where: str, missing: list[str]) -> list[Any]:
    ident = next((k for k in _IDENTITY_KEYS if all(k in x for x in base)), None)
    if ident is None:  # no identity: matched by position
        pairs = [(x, local[i] if i < len(local) else None, f"{where}[{i}]") for i, x in enumerate(base)]
        return [overlay(b, loc, path, missing) if loc is not None else _all_missing(b, path, missing)
                for b, loc, path in pairs]
    by_id = {x.get(ident): x for x in local if isinstance(x, dict)}
    out = []
    for b in base:
        path = f"{where}[{b[ident]}]"
        loc = by_id.get(b[ident])
        out.append(overlay(b, loc, path, missing) if loc is not None else _all_missing(b, path, missing))
    return out


def _all_missing(base: Any, where: str, missing: list[str]) -> Any:
    missing.append(where)
    return base


def read_language(directory: Path, lang: str, problems: list[Problem]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Parsed skills of ``lang`` (file name -> Skill) and each file's English fallbacks."""
    from skillcoach.curriculum.models import Skill

    local_dir = language_dir(directory, lang)
    skills: dict[str, Any] = {}
    fallbacks: dict[str, list[str]] = {}
    for path in skill_files(directory):
        base = read_yaml(path)
        if not isinstance(base, dict) or base.get("locale", DEFAULT_LANG) != DEFAULT_LANG:
            continue
        local_path = local_dir / path.name
        missing: list[str] = []
        if local_path.exists():
            local = read_yaml(local_path)
            if not isinstance(local, dict):
                problems.append(Problem(f"{lang}/{path.name}", "-", "cannot read (invalid YAML or not a mapping)"))
                local = {}
        else:
            local = {}
        merged = overlay(base, local, "", missing) if local else {**base}
        if not local:
            missing = ["(whole file)"]
        merged["locale"] = lang
        skill = _parse_data(f"{lang}/{path.name}", merged, Skill, problems)
        if skill is not None:
            skills[path.name] = skill
            fallbacks[path.name] = missing
    return skills, fallbacks
