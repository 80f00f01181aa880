"""``missionplace-instance``: configure, create and serve the Zope instance.

    missionplace-instance configure    write etc/zope.conf and etc/zope.ini
    missionplace-instance create-site  create the site (with demo content) if missing
    missionplace-instance serve        both of the above, then serve over HTTP
    missionplace-instance upgrade      run the site's pending upgrade steps (missionplace:default)
    missionplace-instance to-relstorage copy the FileStorage data into the
                                       PostgreSQL database of MISSIONPLACE_RELSTORAGE_DSN
    missionplace-instance import-candidatures FILE [--place en/candiweb]
                                       import historical candidatures (CSV): all or none
    missionplace-instance cluster [--instances 2] [--port 8080]
                                       PostgreSQL, N instances on RelStorage, HAProxy
                                       and Varnish on this machine (cluster.py)
    missionplace-instance generate --items N [--seed S] [--pending-ratio R]
                                       top the site up to N generated items for benchmarks
                                       (an item is one content object in one language: a
                                       page and its five translations are six items)

Settings come from the environment, so that `make run` needs no arguments:

    MISSIONPLACE_INSTANCE          instance folder (default: ./instance)
    MISSIONPLACE_HOST / _PORT      where to listen (default: localhost 8080)
    MISSIONPLACE_RELSTORAGE_DSN    use RelStorage on this PostgreSQL DSN
                                   instead of FileStorage
    MISSIONPLACE_ADMIN_PASSWORD    password of the Zope "admin" (default: admin)
    MISSIONPLACE_SITE_ID           id of the site (default: missionplace)
    MISSIONPLACE_DEMO              "0" creates the site without demo content
    MISSIONPLACE_SMTP_HOST / _PORT the SMTP server mail is delivered to, read by
                                   this process only (unset: the mail control
                                   panel's, at first localhost 25)
    MISSIONPLACE_MAIL_QUEUE        the mail queue folder (default: var/mailqueue)
    MISSIONPLACE_MAIL_FROM         the sender address of a site that has none
    MISSIONPLACE_TRUSTED_PROXIES   the proxies in front of this instance (comma-
                                   separated addresses or networks), trusted to
                                   forward the client's address (X-Forwarded-For);
                                   replaces missionplace.login.trusted_proxies
    MISSIONPLACE_CACHE_PROXY       the caching proxies this instance purges when
                                   content changes (comma-separated URLs, e.g.
                                   http://127.0.0.1:8080; purging.py)
    MISSIONPLACE_SECURE_COOKIES    "1": cookies are always Secure (behind an HTTPS
                                   proxy that sends no X-Forwarded-Proto); read by
                                   the server at each request (security/headers.py)
"""

from ipaddress import ip_address
from missionplace_instance import cluster
from pathlib import Path
import argparse
import multiprocessing
import os
import sys


def _env(name, default):
    return os.environ.get(f"MISSIONPLACE_{name}") or default


def _in_child(target, *args):
    """Run ``target(*args)`` in a forked process and return its exit code.

    Zope and zodbconvert open the database and may call sys.exit; a child
    process closes everything when it ends, so the server started next can
    open FileStorage (one process at a time).  Forking rather than running
    ``python -m`` keeps sys.path, which buildout's scripts set themselves.
    """
    child = multiprocessing.get_context("fork").Process(target=target, args=args)
    child.start()
    child.join()
    return child.exitcode


class Instance:
    """One instance folder: committed templates in, generated etc/ and var/."""

    def __init__(self, home=None):
        self.home = Path(home or _env("INSTANCE", "instance")).resolve()
        self.etc = self.home / "etc"
        self.var = self.home / "var"
        self.zope_conf = self.etc / "zope.conf"
        self.zope_ini = self.etc / "zope.ini"

    @property
    def dsn(self):
        return _env("RELSTORAGE_DSN", "")

    @property
    def listen(self):
        return f"{_env('HOST', 'localhost')}:{_env('PORT', '8080')}"

    @property
    def site_id(self):
        return _env("SITE_ID", "missionplace")

    def _template(self, name, **values):
        text = (self.home / name).read_text()
        for key, value in values.items():
            text = text.replace(f"<<{key}>>", str(value))
        return text

    def storage_config(self):
        """The ZConfig storage section: RelStorage when a DSN is set, else FileStorage."""
        if self.dsn:
            # ZConfig substitutes $NAME: a literal dollar sign is written $$.
            return self._template("relstorage.conf.in", DSN=self.dsn.replace("$", "$$"))
        return self._template("filestorage.conf.in")

    def trusted_proxy_lines(self):
        """zope.conf's ``trusted-proxy`` lines: the addresses of MISSIONPLACE_TRUSTED_PROXIES (Zope takes no networks)."""
        lines = []
        for entry in _env("TRUSTED_PROXIES", "").split(","):
            try:
                lines.append(f"trusted-proxy {ip_address(entry.strip())}")
            except ValueError:
                continue  # a network (or nothing): only our own check reads it (security/logins.py)
        return "\n".join(lines)

    def configure(self):
        """Write etc/zope.conf and etc/zope.ini for the storage in use."""
        for folder in ("log", "cache", "blobcache" if self.dsn else "filestorage"):
            (self.var / folder).mkdir(parents=True, exist_ok=True)
        self.etc.mkdir(parents=True, exist_ok=True)
        storage = self.storage_config()
        self.zope_conf.write_text(
            self._template(
                "zope.conf.in",
                INSTANCE_HOME=self.home,
                VAR=self.var,
                DEBUG_MODE="off",
                SITE_ID=self.site_id,
                STORAGE=storage.rstrip("\n"),
                TRUSTED_PROXIES=self.trusted_proxy_lines(),
            )
        )
        self.zope_ini.write_text(self._template("zope.ini.in", LISTEN=self.listen, VAR=self.var))
        # Zope reads site.zcml from beside zope.conf.
        (self.etc / "site.zcml").write_text((self.home / "site.zcml").read_text())
        kind = "RelStorage (PostgreSQL)" if self.dsn else f"FileStorage in {self.var}"
        print(f"MissionPlace: instance configured in {self.etc}, storage: {kind}", flush=True)

    def create_site(self, demo=True):
        """Create the site unless it exists."""
        from missionplace_instance import site

        args = [str(self.zope_conf), self.site_id] + ([] if demo else ["--no-demo"])
        if _in_child(site.main, args):
            sys.exit("MissionPlace: creating the site failed (see the messages above)")

    def upgrade(self):
        """Run the pending upgrade steps of the site's MissionPlace profile, one line per step."""
        from missionplace_instance import upgrade

        if _in_child(upgrade.main, [str(self.zope_conf), self.site_id]):
            sys.exit("MissionPlace: the upgrade failed and changed nothing (see the messages above)")

    def to_relstorage(self):
        """Copy the FileStorage database, blobs included, into RelStorage."""
        if not self.dsn:
            sys.exit("MissionPlace: set MISSIONPLACE_RELSTORAGE_DSN to the PostgreSQL database to copy into")
        if not (self.var / "filestorage" / "Data.fs").exists():
            sys.exit(f"MissionPlace: no FileStorage in {self.var / 'filestorage'} to copy")
        conf = self.etc / "zodbconvert.conf"
        conf.write_text(self._template("zodbconvert.conf.in", VAR=self.var, DSN=self.dsn.replace("$", "$$")))
        print(f"MissionPlace: copying {self.var / 'filestorage'} into RelStorage…", flush=True)
        from relstorage import zodbconvert

        # zodbconvert refuses a destination that holds data already.
        if _in_child(zodbconvert.main, ["zodbconvert", str(conf)]):
            sys.exit("MissionPlace: copying into RelStorage failed (see the messages above)")
        print("MissionPlace: done; start the instance with MISSIONPLACE_RELSTORAGE_DSN set", flush=True)

    def import_candidatures(self, path, place):
        """Import a CSV file of candidatures: all rows or, on any error, none."""
        from missionplace_instance import import_candidatures

        if not path:
            sys.exit("MissionPlace: name the CSV file to import")
        code = _in_child(
            import_candidatures.main, [str(self.zope_conf), self.site_id, str(Path(path).resolve()), "--place", place]
        )
        if code:
            sys.exit(code)

    def generate(self, items, seed, pending_ratio):
        """Top the site up to ``items`` generated items (see missionplace_instance.generate)."""
        from missionplace_instance import generate

        if not items or items < 1:
            sys.exit("MissionPlace: say how many items the site should hold: generate --items N")
        args = [str(self.zope_conf), self.site_id, "--items", str(items)]
        args += ["--seed", str(seed)] if seed is not None else []
        args += ["--pending-ratio", str(pending_ratio)] if pending_ratio is not None else []
        code = _in_child(generate.main, args)
        if code:
            sys.exit(code)

    def serve(self):
        host, port = self.listen.rsplit(":", 1)
        password = "the password in MISSIONPLACE_ADMIN_PASSWORD" if _env("ADMIN_PASSWORD", "") else "password admin"
        print(f"MissionPlace: serving http://{host}:{port}/ (Ctrl+C stops)", flush=True)
        print(f"MissionPlace: log in as admin, {password}", flush=True)
        runwsgi = Path(sys.executable).with_name("runwsgi")
        os.execv(runwsgi, [str(runwsgi), str(self.zope_ini)])  # noqa: S606 (replaces this process)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="missionplace-instance", description=__doc__.split("\n")[0])
    parser.add_argument(
        "command",
        choices=[
            "configure",
            "create-site",
            "serve",
            "upgrade",
            "to-relstorage",
            "import-candidatures",
            "generate",
            "cluster",
        ],
    )
    parser.add_argument("file", nargs="?", help="import-candidatures: the CSV file")
    parser.add_argument("--place", default="en/candiweb", help="import-candidatures: the CandiWeb place")
    parser.add_argument(
        "--items",
        type=int,
        help="generate: how many generated items the site should hold; an item is one content object in one "
        "language, so a page and its five translations count six (rounded up to whole groups of six)",
    )
    parser.add_argument("--seed", type=int, help="generate: another seed makes other content (default 2026)")
    parser.add_argument("--pending-ratio", type=float, help="generate: the share pending review (default 0.05)")
    parser.add_argument("--instance", help="instance folder (default: $MISSIONPLACE_INSTANCE or ./instance)")
    parser.add_argument("--instances", type=int, default=2, help="cluster: how many Zope instances")
    parser.add_argument(
        "--port", type=int, default=8080, help="cluster: Varnish's port; the instances and HAProxy follow"
    )
    args = parser.parse_args(argv)
    if args.command == "cluster":
        # Instances of its own, each configured in its own folder: not this instance's etc/.
        sys.exit(cluster.run(instances=args.instances, port=args.port, home=args.instance))
    instance = Instance(args.instance)
    demo = _env("DEMO", "1") != "0"
    instance.configure()
    if args.command == "to-relstorage":
        instance.to_relstorage()
    if args.command in ("create-site", "serve"):
        instance.create_site(demo=demo)
    if args.command == "upgrade":
        instance.upgrade()
    if args.command == "serve":
        instance.serve()
    if args.command == "import-candidatures":
        instance.import_candidatures(args.file, args.place)
    if args.command == "generate":
        instance.generate(args.items, args.seed, args.pending_ratio)


if __name__ == "__main__":
    main()
