-- Who signs the municipality's outgoing letters (the Mayor, a Deputy Mayor or the Secretary,
-- possibly "за кмет", on the Mayor's behalf), as an administrator set it. One row at most.
CREATE TABLE letter_signatory (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    name       TEXT NOT NULL,
    position   TEXT NOT NULL,
    for_mayor  BOOLEAN NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
