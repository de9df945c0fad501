package uk.safeguarding.gateway.audit.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    /** RFC 6962 section 2.1, written as the recursive definition, to check the incremental tree against. */
    private static byte[] mth(List<byte[]> entries) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        if (entries.isEmpty()) {
            return sha.digest();
        }
        if (entries.size() == 1) {
            sha.update((byte) 0);
            sha.update(entries.get(0));
            return sha.digest();
        }
        int k = Integer.highestOneBit(entries.size() - 1);
        byte[] left = mth(entries.subList(0, k));
        byte[] right = mth(entries.subList(k, entries.size()));
        sha.update((byte) 1);
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    private static byte[] entry(int i) {
        byte[] hash = new byte[32];
        Arrays.fill(hash, (byte) i);
        return hash;
    }

    @Test
    void everySizeUpTo130MatchesTheRecursiveDefinition() throws Exception {
        MerkleTree tree = new MerkleTree();
        List<byte[]> entries = new ArrayList<>();
        for (int n = 1; n <= 130; n++) {
            tree.addEntry(entry(n));
            entries.add(entry(n));
            assertArrayEquals(mth(entries), tree.root(), "size " + n);
        }
        assertEquals(130, tree.size());
    }

    @Test
    void emptyTreeIsTheHashOfNothing() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HexFormat.of().formatHex(new MerkleTree().root()));
    }

    @Test
    void swappingTwoLeavesChangesTheRoot() {
        MerkleTree a = new MerkleTree();
        MerkleTree b = new MerkleTree();
        for (int i = 1; i <= 5; i++) {
            a.addEntry(entry(i));
            b.addEntry(entry(i == 2 ? 3 : i == 3 ? 2 : i));
        }
        assertFalse(Arrays.equals(a.root(), b.root()));
    }
}
