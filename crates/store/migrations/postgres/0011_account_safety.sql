-- Accounts (PostgreSQL): mirrors migrations/sqlite/0011_account_safety.sql.

ALTER TABLE users ADD COLUMN lockouts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE staff_changes (
    id             BIGSERIAL PRIMARY KEY,
    user_id        BIGINT  NOT NULL REFERENCES users (id),
    before         TEXT    NOT NULL,
    after          TEXT    NOT NULL,
    reset_password BOOLEAN NOT NULL DEFAULT false,
    requested_by   BIGINT  NOT NULL REFERENCES users (id),
    requested_at   TEXT    NOT NULL,
    state          TEXT    NOT NULL DEFAULT 'pending',
    decided_by     TEXT,
    decided_by_id  BIGINT REFERENCES users (id),
    decided_at     TEXT
);
CREATE INDEX staff_changes_state ON staff_changes (state, id);
