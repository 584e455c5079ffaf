-- The register of submissions (PostgreSQL). Mirrors migrations/sqlite: the same tables and
-- columns, with PostgreSQL's types. Dates and instants are kept as ISO 8601 text, as on SQLite,
-- so that both backends read and write them with the same code.

CREATE TABLE registration_counters (
    year     BIGINT PRIMARY KEY,
    last_seq BIGINT NOT NULL
);

CREATE TABLE submissions (
    id                       BIGSERIAL PRIMARY KEY,
    number                   TEXT    NOT NULL UNIQUE,
    year                     BIGINT  NOT NULL,
    seq                      BIGINT  NOT NULL,
    kind                     TEXT    NOT NULL,
    channel                  TEXT    NOT NULL,
    subject                  TEXT    NOT NULL,
    body                     TEXT    NOT NULL,
    address                  TEXT,
    anonymous                BOOLEAN NOT NULL,
    health_or_safety_threat  BOOLEAN NOT NULL,
    about_bad_administration BOOLEAN NOT NULL,
    in_writing               BOOLEAN NOT NULL,
    violation_date           TEXT,
    received_at              TEXT    NOT NULL,
    received_date            TEXT    NOT NULL,
    status                   TEXT    NOT NULL,
    considered               BOOLEAN NOT NULL,
    deadline_rule            TEXT,
    answer_due               TEXT,
    acknowledge_due          TEXT,
    decisions                TEXT    NOT NULL,
    tracking_code_hash       TEXT    NOT NULL,
    sealed                   BOOLEAN NOT NULL,
    entered_by               TEXT    NOT NULL,
    UNIQUE (year, seq)
);
CREATE INDEX submissions_status_due ON submissions (status, answer_due);
CREATE INDEX submissions_received ON submissions (received_date);

CREATE TABLE submitters (
    submission_id BIGINT PRIMARY KEY REFERENCES submissions (id),
    name          TEXT NOT NULL,
    address       TEXT,
    phone         TEXT,
    email         TEXT,
    egn           TEXT
);

CREATE TABLE sealed_identities (
    submission_id BIGINT PRIMARY KEY REFERENCES submissions (id),
    name          TEXT NOT NULL,
    address       TEXT,
    phone         TEXT,
    email         TEXT,
    egn           TEXT
);

CREATE TABLE case_events (
    id            BIGSERIAL PRIMARY KEY,
    submission_id BIGINT NOT NULL REFERENCES submissions (id),
    at            TEXT   NOT NULL,
    status        TEXT   NOT NULL,
    note_bg       TEXT   NOT NULL,
    note_en       TEXT   NOT NULL
);
CREATE INDEX case_events_submission ON case_events (submission_id, id);

CREATE TABLE journal (
    id            BIGSERIAL PRIMARY KEY,
    at            TEXT   NOT NULL,
    actor         TEXT   NOT NULL,
    action        TEXT   NOT NULL,
    submission_id BIGINT,
    details       TEXT   NOT NULL,
    prev_hash     TEXT   NOT NULL,
    hash          TEXT   NOT NULL
);

CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the journal is append-only';
END;
$$;
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
    FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
    FOR EACH ROW EXECUTE FUNCTION journal_append_only();
