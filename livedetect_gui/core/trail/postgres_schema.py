"""The shared trail's schema on PostgreSQL, as versioned migrations (run under the advisory
lock of ``postgres_server.migrate``; each step runs once).

Step 2 makes the trail append-only for everyone but a table owner who drops the triggers:
records are appended only through ``livedetect_append`` (SECURITY DEFINER, its search_path
pinned), which checks that each record follows the chain head, refuses retention cuts (a
centre's retention is the administrator's, not a desk's), and stamps the server's own time
(``server_at``) and the role that logged in (``db_role``) on every row, whatever the desk
sent. It does not recompute the hash: that needs the record's canonical JSON, which only the
client builds; a wrong hash is named by ``verify`` with the role that appended it.
``shared_roles.py`` creates the roles allowed to call it.
"""

from __future__ import annotations

from livedetect_gui.core.trail.chain import GENESIS
from livedetect_gui.core.trail.store import RECORDS_DDL

APPEND_ONLY_DDL = """
ALTER TABLE records ADD COLUMN server_at timestamptz, ADD COLUMN db_role text;
CREATE FUNCTION livedetect_append(batch jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET lock_timeout = '10s' AS $$
DECLARE
    head record;
    item jsonb;
    added integer := 0;
BEGIN
    SELECT c.seq, c.hash INTO head FROM chain_head c WHERE c.id = 1 FOR UPDATE;
    FOR item IN SELECT value FROM jsonb_array_elements(batch) LOOP
        IF (item->>'seq')::bigint <> head.seq + 1 OR item->>'prev_hash' <> head.hash THEN
            -- Another desk appended since this one read the head: it links again and retries.
            RAISE EXCEPTION 'livedetect: the chain head moved (now #%)', head.seq
                USING ERRCODE = 'serialization_failure';
        END IF;
        IF item->>'kind' = 'cut' THEN
            RAISE EXCEPTION 'livedetect: a desk cannot cut the shared trail';
        END IF;
        IF coalesce(item->>'hash', '') !~ '^[0-9a-f]{64}$' THEN
            RAISE EXCEPTION 'livedetect: a record without a proper hash';
        END IF;
        -- The server's clock and the authenticated role, whatever the desk sent.
        INSERT INTO records SELECT (jsonb_populate_record(NULL::records, item
            || jsonb_build_object('server_at', clock_timestamp(), 'db_role', session_user))).*;
        head.seq := head.seq + 1;
        head.hash := item->>'hash';
        added := added + 1;
    END LOOP;
    UPDATE chain_head SET seq = head.seq, hash = head.hash WHERE id = 1;
    RETURN added;
END
$$;
CREATE FUNCTION livedetect_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'livedetect: the audit trail is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON records
    FOR EACH ROW EXECUTE FUNCTION livedetect_refuse_change();
CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON records
    FOR EACH STATEMENT EXECUTE FUNCTION livedetect_refuse_change();
DO $$ BEGIN
    EXECUTE format('ALTER FUNCTION livedetect_append(jsonb) SET search_path = %I, pg_temp',
                   current_schema());
END $$;
REVOKE ALL ON FUNCTION livedetect_append(jsonb) FROM PUBLIC;
"""

MIGRATIONS: list[str] = [
    # RECORDS_DDL is the SQLite store's own table, in SQL both accept (one definition);
    # bigint seq because a centre's chain outlives 2^31 records more easily than a desk's.
    RECORDS_DDL.replace("seq INTEGER PRIMARY KEY", "seq BIGINT PRIMARY KEY")
    + f"""
    ;CREATE TABLE chain_head (
        id integer PRIMARY KEY CHECK (id = 1),
        seq bigint NOT NULL,
        hash text NOT NULL
    );
    INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '{GENESIS}');
    """,
    # Append-only: see this module's docstring.
    APPEND_ONLY_DDL,
]
SCHEMA_VERSION = len(MIGRATIONS)
