-- Sign-in failures per account and address (PostgreSQL): mirrors
-- migrations/sqlite/0019_sign_in_failures.sql.

CREATE TABLE sign_in_failures (
    account       TEXT   NOT NULL,
    client        TEXT   NOT NULL,
    failures      BIGINT NOT NULL DEFAULT 0,
    refused       BIGINT NOT NULL DEFAULT 0,
    refused_until TEXT,
    first_at      TEXT   NOT NULL,
    last_at       TEXT   NOT NULL,
    PRIMARY KEY (account, client)
);
CREATE INDEX sign_in_failures_last ON sign_in_failures (last_at);

ALTER TABLE users ADD COLUMN unseen_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN unseen_failure_at TEXT;
ALTER TABLE users ADD COLUMN unseen_failure_from TEXT;
ALTER TABLE users ADD COLUMN failures_mailed_at TEXT;

ALTER TABLE sessions ADD COLUMN sign_in_notice TEXT;

CREATE TABLE sign_in_key (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    secret TEXT    NOT NULL
);
INSERT INTO sign_in_key (id, secret)
VALUES (1, md5(gen_random_uuid()::text) || md5(gen_random_uuid()::text));
