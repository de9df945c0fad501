package uk.safeguarding.gateway.audit.witness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import uk.safeguarding.gateway.audit.chain.Checkpoint;

/**
 * A witness's own append-only copy: {@code checkpoints.jsonl}, one checkpoint per line, each line
 * flushed to disk before the push is acknowledged, and {@code conflicts.jsonl} for every refused
 * checkpoint that contradicts one already witnessed. Nothing is ever rewritten or removed. Idempotent
 * by range: the same statement again is a duplicate; a different one for a range that overlaps a
 * witnessed one is a conflict (one chain's checkpoints never overlap, so it means a fork: a rewrite
 * re-signed with the key, or a gateway restored to an earlier point signing new entries).
 */
public final class WitnessStore {

    public static final String COPY = "checkpoints.jsonl";
    public static final String CONFLICTS = "conflicts.jsonl";

    /** What became of one pushed checkpoint. */
    public enum Outcome { WITNESSED, DUPLICATE, CONFLICT }

    private final Path copy;
    private final Path conflicts;
    private final TreeMap<Long, Checkpoint> byLastSeq = new TreeMap<>();

    public WitnessStore(Path directory) throws IOException {
        Files.createDirectories(directory);
        this.copy = directory.resolve(COPY);
        this.conflicts = directory.resolve(CONFLICTS);
        for (Checkpoint cp : read(copy)) {
            byLastSeq.put(cp.lastSeq(), cp);
        }
    }

    /** Reads a copy or a conflicts file; a missing file is an empty copy. */
    public static List<Checkpoint> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank())
                .map(CheckpointJson::parse).toList();
    }

    public synchronized Outcome add(Checkpoint cp) throws IOException {
        Checkpoint clash = overlapping(cp);
        if (clash != null) {
            if (CheckpointJson.sameStatement(clash, cp)) {
                return Outcome.DUPLICATE;
            }
            append(conflicts, cp);
            return Outcome.CONFLICT;
        }
        append(copy, cp);
        byLastSeq.put(cp.lastSeq(), cp);
        return Outcome.WITNESSED;
    }

    /** The witnessed checkpoint whose range meets cp's, if any (the one ending first at or after cp starts). */
    private Checkpoint overlapping(Checkpoint cp) {
        Map.Entry<Long, Checkpoint> next = byLastSeq.ceilingEntry(cp.firstSeq());
        return next != null && next.getValue().firstSeq() <= cp.lastSeq() ? next.getValue() : null;
    }

    public synchronized int size() {
        return byLastSeq.size();
    }

    public Path copyFile() {
        return copy;
    }

    public Path conflictsFile() {
        return conflicts;
    }

    private static void append(Path file, Checkpoint cp) throws IOException {
        var node = CheckpointJson.toNode(cp);
        node.put("receivedAt", Instant.now().toString());
        byte[] line = (node + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }
}
