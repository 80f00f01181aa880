"""RelStorage on a real PostgreSQL server, configured as the instance configures it."""

from missionplace_instance.instance import Instance
from pathlib import Path
from persistent.mapping import PersistentMapping
from ZODB.blob import Blob
import shutil
import transaction
import ZODB.config


INSTANCE = Path(__file__).resolve().parents[2] / "instance"


def open_database(dsn, home, monkeypatch):
    """Open a ZODB with the <relstorage> section the instance would use."""
    shutil.copytree(INSTANCE, home, ignore=shutil.ignore_patterns("var", "etc"))
    monkeypatch.setenv("MISSIONPLACE_RELSTORAGE_DSN", dsn)
    instance = Instance(home)
    (instance.var / "blobcache").mkdir(parents=True)
    config = f"%define VAR {instance.var}\n<zodb>\n{instance.storage_config()}\n</zodb>\n"
    return ZODB.config.databaseFromString(config)


def test_second_instance_reads_what_the_first_wrote(pg_dsn, tmp_path, monkeypatch):
    first = open_database(pg_dsn, tmp_path / "first", monkeypatch)
    second = open_database(pg_dsn, tmp_path / "second", monkeypatch)
    try:
        assert first.storage is not second.storage
        assert first.storage.supportsUndo(), "history-preserving by default"

        tm = transaction.TransactionManager()
        conn = first.open(tm)
        blob = Blob()
        with blob.open("w") as f:
            f.write(b"note verbale " * 1000)
        conn.root()["page"] = PersistentMapping(title="Candidature of France", document=blob)
        tm.commit()
        conn.close()

        tm2 = transaction.TransactionManager()
        conn2 = second.open(tm2)
        page = conn2.root()["page"]
        assert page["title"] == "Candidature of France"
        with page["document"].open() as f:
            assert f.read() == b"note verbale " * 1000
        # The blob reached the second instance through PostgreSQL, not a shared folder.
        assert list((tmp_path / "second" / "var" / "blobcache").rglob("*.blob"))

        page["title"] = "Candidature of France (revised)"
        tm2.commit()
        conn2.close()

        conn = first.open(tm)
        assert conn.root()["page"]["title"] == "Candidature of France (revised)"
        history = first.storage.history(conn.root()["page"]._p_oid, size=10)
        assert len(history) == 2
        conn.close()
    finally:
        first.close()
        second.close()
