-- Missing from home: an episode of a child with no placement carries the agencies its report named or
-- was routed to, so the found alert, the return home interview and repeat missing reach them later.
-- home_council / home_police: routed by the partnership directory; school / gp: named by the reporter;
-- rhi_service: the home council's return home interview service, routed when the child is found.
ALTER TABLE missing_episode
    ADD COLUMN home_council text,
    ADD COLUMN home_police  text,
    ADD COLUMN school       text,
    ADD COLUMN gp           text,
    ADD COLUMN rhi_service  text;

-- Repeat missing counts a child's episodes within a window of days.
CREATE INDEX missing_episode_child_since ON missing_episode (child_id, missing_since);
