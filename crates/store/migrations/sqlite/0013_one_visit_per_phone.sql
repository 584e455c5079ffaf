-- One phone holds at most one active visit with an official on a day: a flood from one phone
-- cannot take an official's whole day, and two servers cannot both let it through.
CREATE UNIQUE INDEX bookings_one_per_phone ON bookings (official, day, phone) WHERE cancelled_at IS NULL;
