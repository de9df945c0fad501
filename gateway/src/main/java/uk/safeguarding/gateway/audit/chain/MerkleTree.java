package uk.safeguarding.gateway.audit.chain;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6962 (Certificate Transparency) Merkle tree hash over chain entries, built incrementally in
 * O(log n) memory: leaf = SHA-256(0x00 || entry hash), node = SHA-256(0x01 || left || right), the
 * tree split at the largest power of two below n. Keeping whole perfect subtrees on a stack and
 * folding them right to left at the end gives exactly RFC 6962's MTH (tested against the recursive
 * definition), so a third party can check a checkpoint with any CT library.
 */
public final class MerkleTree {

    private final MessageDigest sha256 = ChainHash.sha256();
    private final List<byte[]> subtrees = new ArrayList<>();
    private final List<Long> sizes = new ArrayList<>();
    private long count;

    public void addEntry(byte[] entryHash) {
        byte[] node = leaf(entryHash);
        long size = 1;
        while (!sizes.isEmpty() && sizes.get(sizes.size() - 1) == size) {
            byte[] left = subtrees.remove(subtrees.size() - 1);
            sizes.remove(sizes.size() - 1);
            node = node(left, node);
            size *= 2;
        }
        subtrees.add(node);
        sizes.add(size);
        count++;
    }

    public long size() {
        return count;
    }

    /** The root over every entry added so far; an empty tree is SHA-256 of nothing, as in RFC 6962. */
    public byte[] root() {
        if (subtrees.isEmpty()) {
            return sha256.digest();
        }
        byte[] acc = subtrees.get(subtrees.size() - 1);
        for (int i = subtrees.size() - 2; i >= 0; i--) {
            acc = node(subtrees.get(i), acc);
        }
        return acc;
    }

    private byte[] leaf(byte[] entryHash) {
        sha256.update((byte) 0x00);
        sha256.update(entryHash);
        return sha256.digest();
    }

    private byte[] node(byte[] left, byte[] right) {
        sha256.update((byte) 0x01);
        sha256.update(left);
        sha256.update(right);
        return sha256.digest();
    }
}
