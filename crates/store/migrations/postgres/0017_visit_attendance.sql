-- Whether a booked visitor came: marked at the registry's desk or by the Mayor's office on the
-- day of the visit, with who marked it and when (each marking is journalled too).
ALTER TABLE bookings ADD COLUMN attendance TEXT CHECK (attendance IN ('attended', 'missed'));
ALTER TABLE bookings ADD COLUMN attendance_at TEXT;
ALTER TABLE bookings ADD COLUMN attendance_by TEXT;
