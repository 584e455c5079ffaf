-- Import of an existing register (PostgreSQL): mirrors migrations/sqlite/0008_import.sql.

ALTER TABLE submissions ADD COLUMN legacy_number TEXT;
CREATE UNIQUE INDEX submissions_legacy_number ON submissions (legacy_number)
    WHERE legacy_number IS NOT NULL;
