-- Accounts (issue 22, M3 and M4): lock-outs that end and grow, passwords an administrator
-- reset (to be changed at the next sign-in), and changes to staff that wait for a second
-- administrator's approval.

-- How many times the account was locked since its last successful sign-in: each lock is
-- longer than the one before (15, 30, 60 minutes).
ALTER TABLE users ADD COLUMN lockouts INTEGER NOT NULL DEFAULT 0;
-- Set by an administrator's reset: the account can do nothing but change its password.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;

-- A change to a member of staff that needs a second administrator (four eyes): a designation
-- for corruption signals, a role that handles cases or administers, a change to an
-- administrator's own account, a reset of an administrator's or a designated officer's
-- password. `before` and `after` are the account's fields as JSON; the change is applied only
-- if the account still matches `before`.
CREATE TABLE staff_changes (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    before         TEXT    NOT NULL,
    after          TEXT    NOT NULL,
    reset_password INTEGER NOT NULL DEFAULT 0,
    requested_by   INTEGER NOT NULL REFERENCES users (id),
    requested_at   TEXT    NOT NULL,
    state          TEXT    NOT NULL DEFAULT 'pending', -- pending, applied, rejected
    decided_by     TEXT,                               -- the journal's label of who decided
    decided_by_id  INTEGER REFERENCES users (id),      -- NULL when decided on the command line
    decided_at     TEXT
);
CREATE INDEX staff_changes_state ON staff_changes (state, id);
