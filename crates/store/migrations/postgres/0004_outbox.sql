-- (PostgreSQL: mirrors migrations/sqlite/0004_outbox.sql.)
-- Written answers and notifications.
--
-- `documents`: the letters Priemna issues (answer, delay notice, receipt) as PDFs, kept with the
-- case exactly as they were sent.
-- `outbox`: every e-mail is written here in the same transaction as the action that causes it
-- and delivered by a background worker: retries with backoff, a lease so that two servers never
-- send the same message, and one Message-ID per message for all its attempts.

CREATE TABLE documents (
    id              BIGSERIAL PRIMARY KEY,
    submission_id   BIGINT  NOT NULL REFERENCES submissions (id),
    kind            TEXT    NOT NULL, -- answer, delay_notice, receipt
    outgoing_number TEXT    UNIQUE,   -- e.g. 2026-000123-2 (receipts have none)
    filename        TEXT    NOT NULL,
    content_type    TEXT    NOT NULL,
    content         BYTEA   NOT NULL,
    sha256          TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    created_by      TEXT    NOT NULL
);
CREATE INDEX documents_submission ON documents (submission_id, id);

CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    message_id      TEXT    NOT NULL UNIQUE, -- the RFC 5322 Message-ID, the same on every attempt
    dedupe_key      TEXT    UNIQUE,          -- e.g. one reminder per case, person, kind and date
    kind            TEXT    NOT NULL,        -- receipt, delay_notice, answer, staff_reminder, …
    submission_id   BIGINT  REFERENCES submissions (id),
    recipient       TEXT    NOT NULL,
    recipient_name  TEXT,
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    document_id     BIGINT  REFERENCES documents (id), -- attached as PDF
    secret          TEXT,    -- the tracking code of a receipt, kept only until it is sent
    state           TEXT    NOT NULL DEFAULT 'queued', -- queued, sending, sent, failed
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at TEXT,    -- NULL: as soon as possible
    lease_owner     TEXT,
    lease_until     TEXT,
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT,
    smtp_response   TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_submission ON outbox (submission_id);

-- Staff reminders go by e-mail to those who have an address.
ALTER TABLE users ADD COLUMN email TEXT;
