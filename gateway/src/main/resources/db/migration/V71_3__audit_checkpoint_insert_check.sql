-- A checkpoint row may only continue the signed history: it starts right after the previous one, ends
-- within the chain, and states the chain's real hash at its last entry. Without this, the runtime role
-- (INSERT on audit_checkpoint) could add one fake row far beyond the chain and the checkpointer, which
-- builds on the newest row, would stop signing and witnessing (docs/AUDIT.md, section 6). The signature
-- is not checked here (no Ed25519 in SQL); the checkpointer and the verifier check it. A superuser can
-- switch this trigger off, which is why the checkpointer and the verifier do not rely on it.
CREATE FUNCTION audit_checkpoint_continues() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    previous bigint;
    chain_hash bytea;
BEGIN
    SELECT coalesce(max(last_seq), 0) INTO previous FROM audit_checkpoint;
    IF NEW.first_seq <> previous + 1 THEN
        RAISE EXCEPTION 'audit_checkpoint % .. % does not continue the previous checkpoint (ends at %)',
            NEW.first_seq, NEW.last_seq, previous USING ERRCODE = 'check_violation';
    END IF;
    SELECT hash INTO chain_hash FROM audit_chain WHERE seq = NEW.last_seq;
    IF chain_hash IS NULL THEN
        RAISE EXCEPTION 'audit_checkpoint % .. % ends beyond the chain', NEW.first_seq, NEW.last_seq
            USING ERRCODE = 'check_violation';
    END IF;
    IF chain_hash <> NEW.last_hash THEN
        RAISE EXCEPTION 'audit_checkpoint % .. % does not state the chain''s hash at entry %', NEW.first_seq,
            NEW.last_seq, NEW.last_seq USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER audit_checkpoint_continues BEFORE INSERT ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_continues();
