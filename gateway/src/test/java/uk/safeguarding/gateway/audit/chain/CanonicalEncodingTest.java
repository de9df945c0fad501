package uk.safeguarding.gateway.audit.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditEntry;

class CanonicalEncodingTest {

    static AuditEntry sample(String subject, List<String> categories, String justification) {
        return new AuditEntry(UUID.fromString("00000000-0000-4000-8000-000000000001"),
                Instant.parse("2025-03-01T09:15:30.123456Z"), "req-1", subject, "police-met", "USER", "police:met",
                List.of("practitioner"), "SAFEGUARDING", "referral.read", "Referral", "r-1",
                UUID.fromString("00000000-0000-4000-8000-000000000002"), categories, "PERMIT",
                List.of("mash-referral@1.0.0#share-risk"), null, "ukgdpr-6-1-e", justification, null, 200, "127.0.0.1");
    }

    /** The same event written with data owners: encoding version 2. */
    static AuditEntry sampleV2(List<String> categories, List<String> owners) {
        AuditEntry v1 = sample("user-1", categories, null);
        return new AuditEntry(v1.id(), v1.recordedAt(), v1.requestId(), v1.actorSubject(), v1.actorClient(), v1.actorKind(),
                v1.actorAgency(), v1.actorRoles(), v1.purpose(), v1.action(), v1.resourceType(), v1.resourceId(),
                v1.childId(), v1.categories(), v1.decision(), v1.reasons(), v1.denialCode(), v1.lawfulBasis(),
                v1.overrideJustification(), v1.overrideApprover(), v1.outcome(), v1.sourceAddress(), owners);
    }

    private static String hex(AuditEntry e) {
        return HexFormat.of().formatHex(new CanonicalEncoding().encode(e).toByteArray());
    }

    @Test
    void theEncodingIsFrozen() {
        // Changing this vector breaks every existing chain: bump CanonicalEncoding.VERSION instead.
        String sha = HexFormat.of().formatHex(ChainHash.sha256().digest(
                new CanonicalEncoding().encode(sample("user-1", List.of("identity", "risk"), null)).toByteArray()));
        // Computed independently from the specification in docs/AUDIT.md (a few lines of Python there).
        assertEquals("cbef77f59e3bf0f8543665fa5f2ec09844e4feebabd779fa3268a3925dc27bed", sha);
    }

    @Test
    void versionTwoIsFrozenToo() {
        String sha = HexFormat.of().formatHex(ChainHash.sha256().digest(
                new CanonicalEncoding().encode(sampleV2(List.of("identity", "risk"), List.of("la:E09000030"))).toByteArray()));
        // Computed independently with the version-2 lines of the Python in docs/AUDIT.md.
        assertEquals("eb12866f21dea60809e3645871977e886fba9d51a5ed59ff8ee9f1409a116724", sha);
    }

    @Test
    void versionThreeIsFrozenAndTellsAValueFromTheArrayAroundIt() {
        AuditEntry e = sampleV2(List.of("identity", "risk"), List.of("la:E09000030"));
        // Computed independently with the version-3 lines of the Python in docs/AUDIT.md.
        assertEquals("a0de869a63a4fab0c75a0981b155417719945562c956ef7297ffde4d7496504c", sha(e, CanonicalEncoding.VERSION_3));
        assertEquals("c9e02994d503c396a9ced17dea26378f3e93abfae7e55e05021c1335c99a3ed5",
                sha(sampleV2(JsonStringArrays.parse("5"), e.dataOwners()), CanonicalEncoding.VERSION_3));
        assertEquals("1d3f618a175d50d15ebc9108f73c036722c7530fa47d6b285ec69d4f955fddfc",
                sha(sampleV2(JsonStringArrays.parse("[5]"), e.dataOwners()), CanonicalEncoding.VERSION_3));
        // Version 2 hashed those two alike.
        assertEquals(sha(sampleV2(JsonStringArrays.parse("5"), e.dataOwners()), CanonicalEncoding.VERSION_2),
                sha(sampleV2(JsonStringArrays.parse("[5]"), e.dataOwners()), CanonicalEncoding.VERSION_2));
    }

    @Test
    void onlyARecordedVersionOfThreeOrMoreIsTaken() {
        AuditEntry v1 = sample("user-1", List.of("risk"), null);
        AuditEntry v2 = sampleV2(List.of("risk"), List.of());
        assertEquals(CanonicalEncoding.VERSION_3, CanonicalEncoding.versionOf(v1, (short) 3));
        assertEquals(CanonicalEncoding.VERSION_1, CanonicalEncoding.versionOf(v1, null));
        // A recorded 1 never selects the shorter layout for a row whose data owners are set.
        assertEquals(CanonicalEncoding.VERSION_2, CanonicalEncoding.versionOf(v2, (short) 1));
    }

    private static String sha(AuditEntry e, byte version) {
        return HexFormat.of().formatHex(ChainHash.sha256().digest(new CanonicalEncoding().encode(e, version).toByteArray()));
    }

    @Test
    void rowsWithoutDataOwnersKeepVersionOneAndTheirOldHashes() {
        assertEquals("01", hex(sample("user-1", List.of(), null)).substring(0, 2));
        assertEquals("02", hex(sampleV2(List.of(), List.of())).substring(0, 2));
        // Nulling a version-2 row's data owners (to pass it off as version 1) changes what is hashed.
        assertNotEquals(hex(sampleV2(List.of("risk"), List.of())), hex(sample("user-1", List.of("risk"), null)));
    }

    @Test
    void versionTwoTellsAStringFromTheSameTextAsAnotherJsonValue() {
        // ["1"] and [1] in jsonb: version 1 hashed both as the text 1; version 2 tags the element's type.
        List<String> string = JsonStringArrays.parse("[\"1\"]");
        List<String> number = JsonStringArrays.parse("[1]");
        assertEquals(hex(sample("u", string, null)), hex(sample("u", number, null)), "version 1 as it always was");
        assertNotEquals(hex(sampleV2(string, List.of())), hex(sampleV2(number, List.of())));
        assertNotEquals(hex(sampleV2(List.of("x"), JsonStringArrays.parse("[null]"))),
                hex(sampleV2(List.of("x"), JsonStringArrays.parse("[\"null\"]"))));
    }

    @Test
    void startsWithTheVersionThenTheIdAndMicroseconds() {
        String hex = hex(sample("user-1", List.of(), null));
        assertEquals("01" + "00000010" + "00000000000040008000000000000001" + "00000008"
                + String.format("%016x", 1740820530123456L), hex.substring(0, 2 + 8 + 32 + 8 + 16));
    }

    @Test
    void nullAndEmptyTextDiffer() {
        assertNotEquals(hex(sample(null, List.of(), null)), hex(sample("", List.of(), null)));
    }

    @Test
    void lengthPrefixesStopValuesSlidingBetweenElements() {
        assertNotEquals(hex(sample("u", List.of("ab", "c"), null)), hex(sample("u", List.of("a", "bc"), null)));
        assertNotEquals(hex(sample("u", List.of("a,b"), null)), hex(sample("u", List.of("a", "b"), null)));
    }

    @Test
    void textIsUtf8AsStored() {
        byte[] encoded = new CanonicalEncoding().encode(sample("u", List.of(), "é")).toByteArray();
        byte[] utf8 = {0, 0, 0, 2, (byte) 0xC3, (byte) 0xA9};
        int found = -1;
        for (int i = 0; i + utf8.length <= encoded.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(encoded, i, i + utf8.length), utf8)) {
                found = i;
            }
        }
        assertNotEquals(-1, found);
    }

    @Test
    void theBufferIsReusedWithoutLeakingTheLongerPreviousEvent() {
        CanonicalEncoding encoding = new CanonicalEncoding();
        String longFirst = HexFormat.of().formatHex(encoding.encode(sample("u".repeat(3000), List.of(), null)).toByteArray());
        String second = HexFormat.of().formatHex(encoding.encode(sample("u", List.of(), null)).toByteArray());
        assertNotEquals(longFirst, second);
        assertEquals(hex(sample("u", List.of(), null)), second);
    }
}
