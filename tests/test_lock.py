"""The lock file pins the dependency set the project is tested with.

`make` installs requirements.lock and then the project without resolving again, so a dependency
added to pyproject.toml but not locked would be missing on a fresh machine. These checks read both
files as text (tomllib and packaging), independently of pip-tools, which wrote the lock.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _locked() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep, f"requirements.lock: {line!r} is not pinned with =="
        pins[canonicalize_name(name)] = Version(version.split(";")[0].strip())
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    return [Requirement(r) for r in [*project["dependencies"], *extras["app"], *extras["test"]]]


def test_every_declared_dependency_is_locked_within_its_range():
    pins = _locked()
    problems = []
    for req in _declared():
        pin = pins.get(canonicalize_name(req.name))
        if pin is None:
            problems.append(f"{req.name} is in pyproject.toml but not in requirements.lock")
        elif not req.specifier.contains(pin, prereleases=True):
            problems.append(f"{req.name}=={pin} in requirements.lock is outside {req.specifier}")
    assert not problems, "run `make lock`:\n" + "\n".join(problems)


def test_the_lock_does_not_pin_the_project_itself():
    # The project is installed from the checkout on top of the lock (pip install --no-deps -e .).
    assert "ovop-geo" not in _locked()
