-- Erasure of personal data after the retention period: when it happened, and when the case
-- was finished (the period runs from then).
ALTER TABLE submissions ADD COLUMN finished_at TEXT;
ALTER TABLE submissions ADD COLUMN anonymised_at TEXT;
