-- Open311 (GeoReport v2): where the problem is and what was reported with it, the keys of the
-- applications allowed to post, and the tokens given instead of an id to batch clients.

ALTER TABLE submissions ADD COLUMN latitude REAL;             -- WGS 84 degrees
ALTER TABLE submissions ADD COLUMN longitude REAL;
ALTER TABLE submissions ADD COLUMN service_code TEXT;         -- the Open311 service; NULL: not via Open311
ALTER TABLE submissions ADD COLUMN media_url TEXT;            -- a photo the client hosts
ALTER TABLE submissions ADD COLUMN service_attributes TEXT;   -- JSON {code: [values]}: the answers to the service's questions
ALTER TABLE submissions ADD COLUMN open311_token TEXT;       -- given to batch clients instead of the id
CREATE INDEX submissions_open311 ON submissions (service_code, received_at);
CREATE UNIQUE INDEX submissions_open311_token ON submissions (open311_token);

-- Keys of the applications that may post requests. Only a SHA-256 of the key is kept; the key
-- is shown once, when it is created.
CREATE TABLE api_keys (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    key_hash        TEXT    NOT NULL UNIQUE,
    key_prefix      TEXT    NOT NULL, -- the first characters, to recognise a key in lists
    token_responses INTEGER NOT NULL DEFAULT 0, -- answer POSTs with a token, not the id
    created_at      TEXT    NOT NULL,
    created_by      TEXT    NOT NULL,
    revoked_at      TEXT
);
