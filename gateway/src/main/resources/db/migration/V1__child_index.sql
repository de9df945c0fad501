-- The child index: one internal id per child, linked to every identifier agencies know it by.
-- Everything else (referrals, relationships, placements, audit) refers to child.id, never to a name.
CREATE TABLE child (
    id          uuid PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE child_identifier (
    system      text NOT NULL,
    value       text NOT NULL,
    child_id    uuid NOT NULL REFERENCES child (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (system, value)
);

CREATE INDEX child_identifier_child ON child_identifier (child_id);
