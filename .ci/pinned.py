"""Exit 1 when a package installed in this environment is not pinned, at its version, by requirements.lock."""

import re
import sys
from importlib.metadata import distributions
from pathlib import Path

UNPINNED_OK = {"skillcoach", "pip", "setuptools"}  # the project itself; what `python -m venv` brings


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main() -> int:
    lock = Path(__file__).resolve().parent.parent / "requirements.lock"
    pins: dict[str, set[str]] = {}
    for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", lock.read_text(), re.MULTILINE):
        pins.setdefault(normalise(name), set()).add(version)  # one pin per environment marker
    loose = sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions()
                   if normalise(d.metadata["Name"]) not in UNPINNED_OK
                   and d.version not in pins.get(normalise(d.metadata["Name"]), set()))
    if loose:
        print(f"installed but not pinned by requirements.lock (run .ci/lock): {', '.join(loose)}", file=sys.stderr)
        return 1
    print(f"every installed package is pinned by requirements.lock ({len(pins)} pins)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
