-- PostgreSQL: mirrors migrations/sqlite/0021_mailbox.sql.

-- The municipality's mailbox read as an intake channel (app::mailbox). A message that became a
-- submission is remembered by its key in `form_results` (purpose 'mail'), in the transaction
-- that registers it. Every other message is noted here, once (the key is unique): auto-replies
-- and bounces that were recognised and not registered, and the messages set aside for a clerk
-- (too large, unreadable, not a valid submission) with the reason, never lost.
CREATE TABLE mail_notes (
    id           BIGSERIAL PRIMARY KEY,
    message_key  TEXT    NOT NULL UNIQUE, -- SHA-256 of the Message-ID (or of the bytes without one)
    message_id   TEXT,                    -- as the sender wrote it, when there was one
    sender       TEXT,
    subject      TEXT,
    outcome      TEXT    NOT NULL,        -- set_aside, auto_reply, bounce
    reason       TEXT    NOT NULL,        -- why, for staff
    size         BIGINT  NOT NULL,        -- bytes of the whole message
    raw          BYTEA,                   -- the message as received, when small enough to keep
    bounced_outbox_id BIGINT REFERENCES outbox (id), -- a bounce matched to the message it returns
    received_at  TEXT    NOT NULL
);
CREATE INDEX mail_notes_received ON mail_notes (received_at);
