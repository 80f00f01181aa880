"""Remake the upgrade fixture: a site created by a released version, packed and gzipped (`make upgrade-fixture`).

    python tests/upgrades/make_fixture.py [VERSION]

For the profile version VERSION (default: the newest in FIXTURES) it checks the
commit that released it out into a temporary git worktree, installs that
version in a virtualenv of its own (from its own constraints.txt), creates the
site with its `missionplace-instance create-site` (demo content included),
adds fixture_extras.py's few items with that version's Python, packs the
database and writes tests/upgrades/fixtures/missionplace-VERSION.fs.gz.  The
worktree is removed afterwards.  Needs git, python3.11 and the package index.
"""

from pathlib import Path
import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile


HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
# Profile version -> the commit whose profiles/default/metadata.xml released it.
FIXTURES = {
    "1000": "7fe19a5bb82406f29d5a0f2d4c2f93f2e93228f5",
    "1001": "0c467166c48e42f79e5f095ab4d59bd48a6da04c",
}
SITE_ID = "missionplace"
PACK = """
import sys, time
from ZODB.FileStorage import FileStorage
from ZODB.serialize import referencesf
storage = FileStorage(sys.argv[1])
storage.pack(time.time() + 1, referencesf)
storage.close()
"""


def fixture_path(version):
    return HERE / "fixtures" / f"missionplace-{version}.fs.gz"


def run(*command, **kwargs):
    print("$", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, **kwargs)


def make(version, python="python3.11"):
    commit = FIXTURES[version]
    work = Path(tempfile.mkdtemp(prefix=f"missionplace-{version}-"))
    tree = work / "tree"
    run("git", "-C", REPO, "worktree", "add", "--detach", tree, commit)
    try:
        venv = tree / ".venv"
        run(python, "-m", "venv", venv)
        run(venv / "bin" / "pip", "install", "--quiet", "--disable-pip-version-check", "uv")
        run(venv / "bin" / "uv", "pip", "install", "--quiet", "--python", venv / "bin" / "python",
            "-c", tree / "constraints.txt", "-e", tree)  # fmt: skip
        instance = tree / "instance"
        env = {
            **os.environ,
            "MISSIONPLACE_INSTANCE": str(instance),
            "MISSIONPLACE_SITE_ID": SITE_ID,
            "MISSIONPLACE_DEMO": "1",
            "MISSIONPLACE_ADMIN_PASSWORD": "admin",
            "MISSIONPLACE_DEMO_PASSWORD": "demo",
        }
        run(venv / "bin" / "missionplace-instance", "create-site", env=env, cwd=tree)
        run(venv / "bin" / "python", HERE / "fixture_extras.py", instance / "etc" / "zope.conf", SITE_ID,
            env=env, cwd=tree)  # fmt: skip
        blobs = [path for path in (instance / "var" / "blobstorage").rglob("*") if path.suffix == ".blob"]
        if blobs:
            sys.exit(f"The site holds {len(blobs)} blob(s): the fixture keeps Data.fs only; keep files out of it")
        data = instance / "var" / "filestorage" / "Data.fs"
        run(venv / "bin" / "python", "-c", PACK, data)
        target = fixture_path(version)
        target.parent.mkdir(parents=True, exist_ok=True)
        # mtime 0: the same database gives the same file.
        with data.open("rb") as source, gzip.GzipFile(target, "wb", compresslevel=9, mtime=0) as out:
            shutil.copyfileobj(source, out)
        print(f"wrote {target} ({target.stat().st_size // 1024} KiB) from {commit}", flush=True)
    finally:
        run("git", "-C", REPO, "worktree", "remove", "--force", tree)
        shutil.rmtree(work, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("version", nargs="?", default=max(FIXTURES, key=int), choices=sorted(FIXTURES))
    parser.add_argument("--python", default=os.environ.get("PYTHON", "python3.11"))
    args = parser.parse_args(argv)
    make(args.version, args.python)


if __name__ == "__main__":
    main()
