"""The database schema as numbered migrations; PRAGMA user_version records the last applied."""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema.
    """
    CREATE TABLE users (
        user_id       TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        email         TEXT NOT NULL DEFAULT '',
        password      TEXT NOT NULL,          -- scrypt$n$r$p$salt$hash (hex)
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_at     TEXT,                   -- set after three failures; cleared by unlock
        last_login    TEXT,
        active_since  TEXT NOT NULL,          -- creation or administrator reactivation
        created_at    TEXT NOT NULL
    );
    CREATE TABLE programs (
        number          TEXT PRIMARY KEY,
        name            TEXT NOT NULL,
        sponsor         TEXT NOT NULL,
        street          TEXT NOT NULL,
        city            TEXT NOT NULL,
        state           TEXT NOT NULL,
        postal_code     TEXT NOT NULL,
        status          TEXT NOT NULL,
        categories      TEXT NOT NULL,        -- designation categories, '; '-separated
        designated_from TEXT NOT NULL,
        designated_to   TEXT NOT NULL
    );
    CREATE TABLE officials (
        program TEXT NOT NULL REFERENCES programs(number),
        user_id TEXT NOT NULL REFERENCES users(user_id),
        role    TEXT NOT NULL CHECK (role IN ('RO', 'ARO')),
        PRIMARY KEY (program, user_id)
    );
    CREATE UNIQUE INDEX one_ro_per_program ON officials(program) WHERE role = 'RO';
    CREATE TABLE agreements (
        version   INTEGER PRIMARY KEY,
        title     TEXT NOT NULL,
        text      TEXT NOT NULL,
        effective TEXT NOT NULL
    );
    CREATE TABLE acceptances (
        id          INTEGER PRIMARY KEY,
        program     TEXT NOT NULL REFERENCES programs(number),
        user_id     TEXT NOT NULL REFERENCES users(user_id),
        version     INTEGER NOT NULL REFERENCES agreements(version),
        accepted_at TEXT NOT NULL,
        UNIQUE (program, user_id, version)
    );
    CREATE TABLE registrations (
        id              INTEGER PRIMARY KEY,
        confirmation    TEXT NOT NULL UNIQUE,
        program         TEXT NOT NULL REFERENCES programs(number),
        user_id         TEXT NOT NULL REFERENCES users(user_id),
        registered_at   TEXT NOT NULL,
        certificate_der BLOB NOT NULL,         -- only the certificate, never a key
        subject         TEXT NOT NULL,
        issuer          TEXT NOT NULL,
        not_after       TEXT NOT NULL,
        sha256          TEXT NOT NULL,
        serial_hex      TEXT NOT NULL,
        filename        TEXT NOT NULL,
        warnings        TEXT NOT NULL,         -- JSON list of findings
        key_discarded   INTEGER NOT NULL,
        agreement_version INTEGER NOT NULL,
        idempotency_key TEXT NOT NULL,
        request_sha256  TEXT NOT NULL,
        replaced        TEXT,                  -- the confirmation this one replaced
        current         INTEGER NOT NULL DEFAULT 0,
        replaced_at     TEXT
    );
    CREATE UNIQUE INDEX one_current_registration ON registrations(program) WHERE current = 1;
    CREATE UNIQUE INDEX registration_idempotency ON registrations(user_id, idempotency_key);
    CREATE TABLE sessions (
        token_sha256 TEXT PRIMARY KEY,
        user_id      TEXT NOT NULL REFERENCES users(user_id),
        created_at   TEXT NOT NULL,
        last_seen    TEXT NOT NULL,
        ended_at     TEXT
    );
    CREATE TABLE audit (
        id      INTEGER PRIMARY KEY,
        at      TEXT NOT NULL,
        user_id TEXT NOT NULL,
        action  TEXT NOT NULL,                 -- login, logout, accept, upload, ...
        program TEXT NOT NULL DEFAULT '',
        result  TEXT NOT NULL,                 -- ok, or the error code
        detail  TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_by_time ON audit(at);
    """,
    # 2: failed logins for user IDs that do not exist, counted and locked like real ones, so
    # that answers to wrong logins tell nothing about which user IDs exist.
    """
    CREATE TABLE unknown_logins (
        user_id       TEXT PRIMARY KEY,
        failed_logins INTEGER NOT NULL,
        locked_at     TEXT
    );
    """,
    # 3: batches uploaded over the batch interface (service/batch/), one per batch ID and
    # program. Records are counted, not processed (docs/api.md, Batch interface).
    """
    CREATE TABLE batches (
        id           INTEGER PRIMARY KEY,
        program      TEXT NOT NULL REFERENCES programs(number),
        batch_id     TEXT NOT NULL,
        user_id      TEXT NOT NULL REFERENCES users(user_id),
        root         TEXT NOT NULL,          -- SEVISBatchCreateUpdateEV or ...Student
        records      INTEGER NOT NULL,
        filename     TEXT NOT NULL,
        xml          BLOB NOT NULL,
        xml_sha256   TEXT NOT NULL,
        certificate  TEXT NOT NULL,          -- SHA-256 of the client certificate used
        uploaded_at  TEXT NOT NULL,
        UNIQUE (program, batch_id)
    );
    """,
    # 4: batches processed like SEVIS (service/batch/records.py): the upload's result code
    # (S0000, or S0004 when the file failed the schema and was not processed), one row per
    # principal record with its result, and the exchange visitors each program holds.
    """
    ALTER TABLE batches ADD COLUMN upload_result TEXT NOT NULL DEFAULT 'S0000';
    ALTER TABLE batches ADD COLUMN processed_at TEXT;
    CREATE TABLE batch_records (
        program       TEXT NOT NULL,
        batch_id      TEXT NOT NULL,
        position      INTEGER NOT NULL,        -- 1-based, in file order
        request_id    TEXT NOT NULL,
        sevis_id      TEXT NOT NULL DEFAULT '',
        user_id       TEXT NOT NULL DEFAULT '',
        success       INTEGER NOT NULL,
        error_code    TEXT NOT NULL DEFAULT '',
        error_message TEXT NOT NULL DEFAULT '',
        processed_at  TEXT NOT NULL,
        PRIMARY KEY (program, batch_id, position),
        FOREIGN KEY (program, batch_id) REFERENCES batches(program, batch_id)
    );
    CREATE TABLE exchange_visitors (
        sevis_id      TEXT PRIMARY KEY,        -- N and 10 digits
        program       TEXT NOT NULL REFERENCES programs(number),
        request_id    TEXT NOT NULL,
        batch_id      TEXT NOT NULL,
        last_name     TEXT NOT NULL DEFAULT '',
        first_name    TEXT NOT NULL DEFAULT '',
        program_start TEXT NOT NULL,
        program_end   TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );
    CREATE INDEX exchange_visitors_by_program ON exchange_visitors(program);
    """,
    # 5: an administrator can deactivate a user (`serve admin deactivate`): no login, no batch,
    # until `serve admin reactivate`.
    """
    ALTER TABLE users ADD COLUMN deactivated_at TEXT;
    """,
    # 6: a user ID that matches no account is never stored as typed (it may be a password typed
    # into the wrong field): unknown_logins is keyed by an HMAC-SHA256 of it under a random
    # secret of this database, and the audit log names it by that HMAC's first 12 hex digits.
    # What earlier versions stored as typed is dropped (counts) or replaced (audit names).
    # randomblob(32): PostgreSQL takes it as postgres.schema_dialect translates it.
    """
    CREATE TABLE service_secrets (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );
    INSERT INTO service_secrets (name, value) VALUES ('unknown_user_ids', randomblob(32));
    DROP TABLE unknown_logins;
    CREATE TABLE unknown_logins (
        user_id_hmac  TEXT PRIMARY KEY,       -- HMAC-SHA256 (hex) of the user ID as typed
        failed_logins INTEGER NOT NULL,
        locked_at     TEXT
    );
    UPDATE audit SET user_id = 'unknown'
        WHERE action = 'login' AND user_id NOT IN (SELECT user_id FROM users);
    """,
)
