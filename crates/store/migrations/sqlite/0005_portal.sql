-- The citizens' portal: attachments to submissions, satisfaction surveys, reception bookings
-- and the public pages an administrator edits.

-- Photos and PDFs sent with a submission, kept in the database so that a backup holds them.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    filename      TEXT    NOT NULL,
    content_type  TEXT    NOT NULL, -- decided by sniffing the bytes, never the browser's word
    size          INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    data          BLOB    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX attachments_submission ON attachments (submission_id, id);

-- One satisfaction survey per case, after its answer.
CREATE TABLE surveys (
    submission_id INTEGER PRIMARY KEY REFERENCES submissions (id),
    rating        INTEGER NOT NULL, -- 1 (very dissatisfied) … 5 (very satisfied)
    on_time       INTEGER,          -- was the answer in time, in the citizen's view
    clear         INTEGER,          -- was the answer clear
    comment       TEXT,
    at            TEXT    NOT NULL
);

-- Reception visits. An active booking holds its slot: the partial unique index refuses a second
-- one for the same official, day and time, whichever server or request comes second.
CREATE TABLE bookings (
    id           INTEGER PRIMARY KEY,
    official     TEXT    NOT NULL,
    day          TEXT    NOT NULL, -- YYYY-MM-DD
    slot         TEXT    NOT NULL, -- HH:MM, start of the slot
    name         TEXT    NOT NULL,
    phone        TEXT    NOT NULL,
    topic        TEXT,
    code_hash    TEXT    NOT NULL UNIQUE, -- SHA-256 of the confirmation code
    created_at   TEXT    NOT NULL,
    cancelled_at TEXT
);
CREATE UNIQUE INDEX bookings_one_per_slot ON bookings (official, day, slot) WHERE cancelled_at IS NULL;
CREATE INDEX bookings_day ON bookings (day, official, slot);

-- Public pages whose text an administrator edits (the charter, contacts, …); a page without a
-- row shows the text built into the program.
CREATE TABLE portal_pages (
    slug       TEXT PRIMARY KEY,
    body_bg    TEXT NOT NULL,
    body_en    TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
