-- The citizens' portal (PostgreSQL): mirrors migrations/sqlite/0005_portal.sql.

CREATE TABLE attachments (
    id            BIGSERIAL PRIMARY KEY,
    submission_id BIGINT NOT NULL REFERENCES submissions (id),
    filename      TEXT   NOT NULL,
    content_type  TEXT   NOT NULL,
    size          BIGINT NOT NULL,
    sha256        TEXT   NOT NULL,
    data          BYTEA  NOT NULL,
    created_at    TEXT   NOT NULL
);
CREATE INDEX attachments_submission ON attachments (submission_id, id);

CREATE TABLE surveys (
    submission_id BIGINT PRIMARY KEY REFERENCES submissions (id),
    rating        BIGINT NOT NULL,
    on_time       BOOLEAN,
    clear         BOOLEAN,
    comment       TEXT,
    at            TEXT   NOT NULL
);

CREATE TABLE bookings (
    id           BIGSERIAL PRIMARY KEY,
    official     TEXT NOT NULL,
    day          TEXT NOT NULL,
    slot         TEXT NOT NULL,
    name         TEXT NOT NULL,
    phone        TEXT NOT NULL,
    topic        TEXT,
    code_hash    TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    cancelled_at TEXT
);
CREATE UNIQUE INDEX bookings_one_per_slot ON bookings (official, day, slot) WHERE cancelled_at IS NULL;
CREATE INDEX bookings_day ON bookings (day, official, slot);

CREATE TABLE portal_pages (
    slug       TEXT PRIMARY KEY,
    body_bg    TEXT NOT NULL,
    body_en    TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
