-- The W3C traceparent of the request that queued an alert, so that its webhook delivery, made later by
-- whichever replica claims it, joins that request's trace (docs/OPERATIONS.md, Traces). Null when the
-- request was not traced (no collector configured). A nullable column without a default: no rewrite.
ALTER TABLE alert ADD COLUMN trace_parent text;
