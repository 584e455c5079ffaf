-- Open311 (GeoReport v2), PostgreSQL: mirrors migrations/sqlite/0003_open311.sql.

ALTER TABLE submissions ADD COLUMN latitude DOUBLE PRECISION;
ALTER TABLE submissions ADD COLUMN longitude DOUBLE PRECISION;
ALTER TABLE submissions ADD COLUMN service_code TEXT;
ALTER TABLE submissions ADD COLUMN media_url TEXT;
ALTER TABLE submissions ADD COLUMN service_attributes TEXT;
ALTER TABLE submissions ADD COLUMN open311_token TEXT;
CREATE INDEX submissions_open311 ON submissions (service_code, received_at);
CREATE UNIQUE INDEX submissions_open311_token ON submissions (open311_token);

CREATE TABLE api_keys (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT    NOT NULL,
    key_hash        TEXT    NOT NULL UNIQUE,
    key_prefix      TEXT    NOT NULL,
    token_responses BOOLEAN NOT NULL DEFAULT false,
    created_at      TEXT    NOT NULL,
    created_by      TEXT    NOT NULL,
    revoked_at      TEXT
);
