-- The back office: staff, departments, sessions, and what handling a case records.

CREATE TABLE departments (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    head_user_id INTEGER REFERENCES users (id)
);

CREATE TABLE users (
    id                 INTEGER PRIMARY KEY,
    username           TEXT    NOT NULL UNIQUE,
    display_name       TEXT    NOT NULL,
    role               TEXT    NOT NULL,
    department_id      INTEGER REFERENCES departments (id),
    corruption_officer INTEGER NOT NULL DEFAULT 0,
    password_hash      TEXT    NOT NULL, -- argon2id, PHC string
    active             INTEGER NOT NULL DEFAULT 1,
    failed_logins      INTEGER NOT NULL DEFAULT 0,
    locked_until       TEXT,
    created_at         TEXT    NOT NULL
);

-- Server-side sessions; only a hash of the cookie's token is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

ALTER TABLE submissions ADD COLUMN about_employee INTEGER NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN subject_employee_id INTEGER REFERENCES users (id);
ALTER TABLE submissions ADD COLUMN department_id INTEGER REFERENCES departments (id);
ALTER TABLE submissions ADD COLUMN assignee_id INTEGER REFERENCES users (id);
ALTER TABLE submissions ADD COLUMN urgency TEXT NOT NULL DEFAULT 'on_track';
ALTER TABLE submissions ADD COLUMN escalated_at TEXT;
ALTER TABLE submissions ADD COLUMN updated_at TEXT;
ALTER TABLE submissions ADD COLUMN triage_note TEXT;
ALTER TABLE submissions ADD COLUMN not_considered_rule TEXT;
ALTER TABLE submissions ADD COLUMN forwarded_to TEXT;
ALTER TABLE submissions ADD COLUMN forwarded_at TEXT;
ALTER TABLE submissions ADD COLUMN duplicate_of INTEGER REFERENCES submissions (id);
ALTER TABLE submissions ADD COLUMN answer_text TEXT;
ALTER TABLE submissions ADD COLUMN answered_by INTEGER REFERENCES users (id);
ALTER TABLE submissions ADD COLUMN answered_at TEXT;
CREATE INDEX submissions_department ON submissions (department_id, status);
CREATE INDEX submissions_assignee ON submissions (assignee_id, status);

-- Staff who may not handle a case: the subject of a complaint, or who declared a conflict.
CREATE TABLE conflicts (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    reason        TEXT    NOT NULL,
    declared_at   TEXT    NOT NULL,
    PRIMARY KEY (submission_id, user_id)
);

-- Reminders to staff about deadlines (due soon, overdue, escalated), one per case, person,
-- kind and due date, so a job that runs twice does not remind twice.
CREATE TABLE staff_reminders (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    kind          TEXT    NOT NULL,
    due           TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    read_at       TEXT,
    UNIQUE (submission_id, user_id, kind, due)
);
CREATE INDEX staff_reminders_user ON staff_reminders (user_id, read_at);

-- Each run of a background job, so that tests and operators can see it ran, and ran once.
CREATE TABLE job_runs (
    id       INTEGER PRIMARY KEY,
    job      TEXT NOT NULL,
    run_key  TEXT NOT NULL, -- e.g. the date for a daily job
    started  TEXT NOT NULL,
    finished TEXT,
    details  TEXT NOT NULL DEFAULT '{}',
    UNIQUE (job, run_key)
);
