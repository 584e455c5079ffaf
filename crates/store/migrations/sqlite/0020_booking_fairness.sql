-- Booking fairness: one visit still to come per person (phone or e-mail) with an official,
-- a confirmation e-mail with a calendar file, and moving a visit to another slot.
--
-- The e-mail a visitor gave (lower-cased), the calendar event's UID (the same for the visit's
-- whole life) and its SEQUENCE (one more each time the visit is moved).
ALTER TABLE bookings ADD COLUMN email TEXT;
ALTER TABLE bookings ADD COLUMN uid TEXT;
ALTER TABLE bookings ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN moved_at TEXT;
-- Visits booked before this version get a UID of their own.
UPDATE bookings SET uid = 'booking-' || id || '@priemna.invalid' WHERE uid IS NULL;
-- The check for a person's active visits reads these.
CREATE INDEX bookings_active_phone ON bookings (official, phone, day) WHERE cancelled_at IS NULL;
CREATE INDEX bookings_active_email ON bookings (official, email, day)
    WHERE cancelled_at IS NULL AND email IS NOT NULL;
-- An e-mail may carry a file of its own (a calendar file) rather than one of a case's letters.
ALTER TABLE outbox ADD COLUMN attachment_name TEXT;
ALTER TABLE outbox ADD COLUMN attachment_type TEXT;
ALTER TABLE outbox ADD COLUMN attachment_content BLOB;
