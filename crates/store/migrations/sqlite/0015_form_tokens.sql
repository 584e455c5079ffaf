-- Portal forms that create something (a submission, a booking, a survey) carry a one-time token.
-- What the token created is written in the same transaction as the creation, so the same form
-- sent again (a reload, the Back button, a double click, a retry on a flaky connection) shows
-- the first result instead of creating a second one. Only hashes of the tokens are kept.
CREATE TABLE form_results (
    token_hash   TEXT PRIMARY KEY,     -- SHA-256 of the form's one-time token
    purpose      TEXT NOT NULL,        -- 'submission', 'booking' or 'survey'
    receipt_hash TEXT NOT NULL UNIQUE, -- SHA-256 of the token in the result page's address
    result       TEXT NOT NULL,        -- a registration number, or a booking's id
    -- The code the result page shows (tracking or confirmation code, and what goes with it),
    -- XOR-ed with a pad derived from the result page's token, which is never stored: the
    -- database alone cannot open it. Forgotten after `secret_until`.
    secret       BLOB,
    secret_until TEXT,                 -- YYYY-MM-DDTHH:MM:SSZ (fixed width: compares as text)
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL         -- YYYY-MM-DDTHH:MM:SSZ
);
CREATE INDEX form_results_expiry ON form_results (expires_at);

-- Files a citizen attached to a form that came back with errors, kept for a short time under
-- the form's token so that they go with the case when the form is corrected. Checked like any
-- attachment (type from the bytes, size, metadata stripped) before they are kept.
CREATE TABLE kept_uploads (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT    NOT NULL,
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    kept_at      TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL      -- YYYY-MM-DDTHH:MM:SSZ
);
-- The same file attached twice to one form is kept once.
CREATE UNIQUE INDEX kept_uploads_token ON kept_uploads (token_hash, sha256);
CREATE INDEX kept_uploads_expiry ON kept_uploads (expires_at);
