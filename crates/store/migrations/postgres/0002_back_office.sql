-- The back office (PostgreSQL): mirrors migrations/sqlite/0002_back_office.sql.

CREATE TABLE departments (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    head_user_id BIGINT
);

CREATE TABLE users (
    id                 BIGSERIAL PRIMARY KEY,
    username           TEXT    NOT NULL UNIQUE,
    display_name       TEXT    NOT NULL,
    role               TEXT    NOT NULL,
    department_id      BIGINT REFERENCES departments (id),
    corruption_officer BOOLEAN NOT NULL DEFAULT false,
    password_hash      TEXT    NOT NULL,
    active             BOOLEAN NOT NULL DEFAULT true,
    failed_logins      BIGINT  NOT NULL DEFAULT 0,
    locked_until       TEXT,
    created_at         TEXT    NOT NULL
);
ALTER TABLE departments ADD FOREIGN KEY (head_user_id) REFERENCES users (id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    csrf_token TEXT   NOT NULL,
    created_at TEXT   NOT NULL,
    expires_at TEXT   NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

ALTER TABLE submissions
    ADD COLUMN about_employee      BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN subject_employee_id BIGINT REFERENCES users (id),
    ADD COLUMN department_id       BIGINT REFERENCES departments (id),
    ADD COLUMN assignee_id         BIGINT REFERENCES users (id),
    ADD COLUMN urgency             TEXT NOT NULL DEFAULT 'on_track',
    ADD COLUMN escalated_at        TEXT,
    ADD COLUMN updated_at          TEXT,
    ADD COLUMN triage_note         TEXT,
    ADD COLUMN not_considered_rule TEXT,
    ADD COLUMN forwarded_to        TEXT,
    ADD COLUMN forwarded_at        TEXT,
    ADD COLUMN duplicate_of        BIGINT REFERENCES submissions (id),
    ADD COLUMN answer_text         TEXT,
    ADD COLUMN answered_by         BIGINT REFERENCES users (id),
    ADD COLUMN answered_at         TEXT;
CREATE INDEX submissions_department ON submissions (department_id, status);
CREATE INDEX submissions_assignee ON submissions (assignee_id, status);

CREATE TABLE conflicts (
    submission_id BIGINT NOT NULL REFERENCES submissions (id),
    user_id       BIGINT NOT NULL REFERENCES users (id),
    reason        TEXT   NOT NULL,
    declared_at   TEXT   NOT NULL,
    PRIMARY KEY (submission_id, user_id)
);

CREATE TABLE staff_reminders (
    id            BIGSERIAL PRIMARY KEY,
    submission_id BIGINT NOT NULL REFERENCES submissions (id),
    user_id       BIGINT NOT NULL REFERENCES users (id),
    kind          TEXT   NOT NULL,
    due           TEXT   NOT NULL,
    created_at    TEXT   NOT NULL,
    read_at       TEXT,
    UNIQUE (submission_id, user_id, kind, due)
);
CREATE INDEX staff_reminders_user ON staff_reminders (user_id, read_at);

CREATE TABLE job_runs (
    id       BIGSERIAL PRIMARY KEY,
    job      TEXT NOT NULL,
    run_key  TEXT NOT NULL,
    started  TEXT NOT NULL,
    finished TEXT,
    details  TEXT NOT NULL DEFAULT '{}',
    UNIQUE (job, run_key)
);
