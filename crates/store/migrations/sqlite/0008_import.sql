-- Import of an existing register: the number a case had there, kept beside Priemna's.
-- Unique where given, so a file imported twice is refused rather than doubled.

ALTER TABLE submissions ADD COLUMN legacy_number TEXT;
CREATE UNIQUE INDEX submissions_legacy_number ON submissions (legacy_number)
    WHERE legacy_number IS NOT NULL;
