-- The rulebook: the wording of the charter's decisions, once per version. A case's decisions
-- keep only the rulebook's version, each decision's wording key and the facts that fill it
-- (the kind, the words found, the dates); their sentences are rendered from here. Cases
-- registered before this version keep their sentences as they were stored.
CREATE TABLE rulebook (
    version INTEGER NOT NULL,
    wording TEXT NOT NULL,
    text_bg TEXT NOT NULL,
    text_en TEXT NOT NULL,
    PRIMARY KEY (version, wording)
);
