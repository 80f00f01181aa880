"""The pins hold, and a built wheel carries everything the add-on needs."""

from importlib.metadata import distributions
from pathlib import Path
import pytest
import re
import subprocess
import sys
import zipfile


REPO = Path(__file__).parent.parent
CONSTRAINTS = REPO / "constraints.txt"


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins():
    found = {}
    for line in CONSTRAINTS.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==(\S+)", line)
        if match:
            found[normalize(match[1])] = match[2]
    return found


def test_constraints_are_flat_and_local():
    for line in CONSTRAINTS.read_text().splitlines():
        assert not line.lstrip().startswith(("-c", "-r", "--")), line
        assert "://" not in line.split("#")[0], line


def test_plone_622_known_good_set():
    pinned = pins()
    assert pinned["plone"] == "6.2.2"
    assert pinned["products-cmfplone"] == "6.2.2"
    # Unpinned, pip takes plone.app.layout 7.0 alphas, which break start-up.
    assert pinned["plone-app-layout"].startswith("6.")


def test_every_installed_package_is_pinned():
    pinned = pins()
    unpinned = {}
    for dist in distributions():
        name = normalize(dist.metadata["Name"])
        if name == "missionplace":
            continue
        if pinned.get(name) != dist.version:
            unpinned[name] = (dist.version, pinned.get(name))
    assert unpinned == {}, "installed (version, pin): run make pins"


def test_buildout_uses_the_same_pins(tmp_path):
    subprocess.run(["make", "-s", "-C", str(REPO), ".buildout-versions.cfg"], check=True)
    versions = {}
    for line in (REPO / ".buildout-versions.cfg").read_text().splitlines()[1:]:
        name, version = (part.strip() for part in line.split("="))
        versions[normalize(name)] = version
    assert versions == pins()
    assert "extends = .buildout-versions.cfg" in (REPO / "buildout.cfg").read_text()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
    )
    return next(out.glob("missionplace-*.whl"))


def test_wheel_carries_profiles_policies_and_translations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = [
        f"missionplace/{top}/{path.relative_to(REPO / top)}"
        for top in ("profiles", "policies")
        for path in (REPO / top).rglob("*")
        if path.is_file()
    ]
    expected += [
        f"missionplace/{path.relative_to(REPO / 'src' / 'missionplace')}"
        for path in (REPO / "src" / "missionplace").rglob("*")
        if path.is_file() and path.suffix in {".zcml", ".po", ".pot", ".json", ".pt", ".png"}
    ]
    missing = sorted(set(expected) - names)
    assert missing == []


def test_profiles_register_from_the_installed_wheel(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
    )
    script = f"""
import sys
sys.path.insert(0, {str(target)!r})
import missionplace
assert missionplace.__file__.startswith({str(target)!r}), missionplace.__file__
from zope.configuration import xmlconfig
import Products.Five, Products.GenericSetup
ctx = xmlconfig.file("meta.zcml", Products.Five)
ctx = xmlconfig.file("meta.zcml", Products.GenericSetup, context=ctx)
xmlconfig.file("profiles.zcml", missionplace, context=ctx)
from Products.GenericSetup.registry import _profile_registry
import os
for name in ("default", "uninstall", "demo"):
    path = _profile_registry.getProfileInfo("missionplace:" + name)["path"]
    assert path.startswith({str(target)!r}), path
    assert os.listdir(path), path
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert result.stdout.strip().endswith("ok"), result.stderr[-3000:]
