-- A relationship held by one person of an agency, not the whole agency: the allocated social worker.
-- Where set, the kind counts only for requests by that subject (Relationships.standing); the agency's
-- other staff and its systems do not hold it.
ALTER TABLE relationship ADD COLUMN holder_subject text;
