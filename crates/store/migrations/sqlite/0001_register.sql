-- The register of submissions. Personal data lives apart from the case (submitters,
-- sealed_identities) so that it can be protected, sealed and later anonymised on its own.

CREATE TABLE registration_counters (
    year     INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL
);

CREATE TABLE submissions (
    id                       INTEGER PRIMARY KEY,
    number                   TEXT    NOT NULL UNIQUE,
    year                     INTEGER NOT NULL,
    seq                      INTEGER NOT NULL,
    kind                     TEXT    NOT NULL,
    channel                  TEXT    NOT NULL,
    subject                  TEXT    NOT NULL,
    body                     TEXT    NOT NULL,
    address                  TEXT,
    anonymous                INTEGER NOT NULL,
    health_or_safety_threat  INTEGER NOT NULL,
    about_bad_administration INTEGER NOT NULL,
    in_writing               INTEGER NOT NULL,
    violation_date           TEXT,
    received_at              TEXT    NOT NULL, -- RFC 3339, UTC
    received_date            TEXT    NOT NULL, -- the municipal date of receipt
    status                   TEXT    NOT NULL,
    considered               INTEGER NOT NULL,
    deadline_rule            TEXT,
    answer_due               TEXT,
    acknowledge_due          TEXT,
    decisions                TEXT    NOT NULL, -- JSON array of {rule, reason_bg, reason_en, needs_review}
    tracking_code_hash       TEXT    NOT NULL, -- SHA-256 of the normalised code; the code itself is never stored
    sealed                   INTEGER NOT NULL, -- whistleblower reports: identity sealed, register kept apart
    entered_by               TEXT    NOT NULL, -- who registered it: 'citizen', 'clerk:<name>', 'api'
    UNIQUE (year, seq)
);
CREATE INDEX submissions_status_due ON submissions (status, answer_due);
CREATE INDEX submissions_received ON submissions (received_date);

-- Contact details of named submitters (not of whistleblowers: see sealed_identities).
CREATE TABLE submitters (
    submission_id INTEGER PRIMARY KEY REFERENCES submissions (id),
    name          TEXT NOT NULL,
    address       TEXT,
    phone         TEXT,
    email         TEXT,
    egn           TEXT
);

-- Whistleblowers' identities (ЗЗЛПСПОИН): readable only by designated officers, every reading
-- journalled.
CREATE TABLE sealed_identities (
    submission_id INTEGER PRIMARY KEY REFERENCES submissions (id),
    name          TEXT NOT NULL,
    address       TEXT,
    phone         TEXT,
    email         TEXT,
    egn           TEXT
);

-- What the citizen sees of the life of the case.
CREATE TABLE case_events (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    at            TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    note_bg       TEXT    NOT NULL,
    note_en       TEXT    NOT NULL
);
CREATE INDEX case_events_submission ON case_events (submission_id, id);

-- The append-only journal of every action. Each entry's hash covers the previous entry's hash,
-- so an edit anywhere breaks the chain from that entry on.
CREATE TABLE journal (
    id            INTEGER PRIMARY KEY,
    at            TEXT    NOT NULL,
    actor         TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    submission_id INTEGER,
    details       TEXT    NOT NULL, -- JSON
    prev_hash     TEXT    NOT NULL,
    hash          TEXT    NOT NULL
);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only');
END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only');
END;
