-- Sign-in protection that cannot be used as a weapon (issue 15, M4): failures are counted per
-- account and client address (an IPv4 address or an IPv6 /64), so guessing from one address
-- refuses that address only, never the account's owner elsewhere.

-- One row per account and client address that failed since its last success from there.
-- `account`: `user:<id>` for an active account, `name:<SHA-256 of sign_in_key and the name
-- typed>` for a name that is none (counted the same way, so that the answers tell nobody which names exist; the
-- name itself is not kept, as it may be a password typed in the wrong field).
CREATE TABLE sign_in_failures (
    account       TEXT    NOT NULL,
    client        TEXT    NOT NULL,
    -- Wrong passwords in a row from this address (refused attempts are not counted here).
    failures      INTEGER NOT NULL DEFAULT 0,
    -- Attempts refused without a look at the password, while `refused_until` held.
    refused       INTEGER NOT NULL DEFAULT 0,
    refused_until TEXT,
    first_at      TEXT    NOT NULL,
    last_at       TEXT    NOT NULL,
    PRIMARY KEY (account, client)
);
-- Rows quiet for a day are forgotten by their last attempt.
CREATE INDEX sign_in_failures_last ON sign_in_failures (last_at);

-- What the owner is told at the next successful sign-in: failed attempts since the last one,
-- when the last was and from where. `failures_mailed_at`: when the owner was last e-mailed
-- about refused sign-ins (at most once a day).
ALTER TABLE users ADD COLUMN unseen_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN unseen_failure_at TEXT;
ALTER TABLE users ADD COLUMN unseen_failure_from TEXT;
ALTER TABLE users ADD COLUMN failures_mailed_at TEXT;

-- The notice (JSON) a session shows on the start page, written when it was opened.
ALTER TABLE sessions ADD COLUMN sign_in_notice TEXT;

-- The key names that are no account are hashed with (`name:` rows above), made here once per
-- database: without it, a reader of the table could test guesses of what was typed.
CREATE TABLE sign_in_key (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    secret TEXT    NOT NULL
);
INSERT INTO sign_in_key (id, secret) VALUES (1, lower(hex(randomblob(32))));
