package fi.vointi.observations;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stored form of Observation JSON (issue 19): what is packed unpacks to the same text, and is much smaller. */
class PackedObservationJsonTest {
    /** A score Observation as the extraction stored it (bench/disk-per-response.sh, demo PROM, 2026-12-02). */
    static final String SLEEP_SCORE = "{\"resourceType\":\"Observation\",\"id\":\"f1a3531e-a324-4fac-8738-52507dd8b52a\","
            + "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2026-12-02T01:25:16.377+00:00\"},\"status\":\"final\","
            + "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\","
            + "\"code\":\"survey\",\"display\":\"Survey\"}]}],\"code\":{\"coding\":[{\"system\":"
            + "\"https://vointi.fi/fhir/CodeSystem/vointi-score\",\"code\":\"demo-wellbeing-prom.sleep\",\"display\":\"Uni\"}],"
            + "\"text\":\"Uni\"},\"subject\":{\"reference\":\"Patient/6b0f7374-1-153\"},"
            + "\"effectiveDateTime\":\"2026-11-20T10:15:00+02:00\",\"issued\":\"2026-12-02T01:25:16.377+00:00\","
            + "\"valueQuantity\":{\"value\":6,\"unit\":\"{score}\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"{score}\"},"
            + "\"derivedFrom\":[{\"reference\":\"QuestionnaireResponse/0019fbd9-40b0-4113-8e35-f0a476b06558/_history/1\"}],"
            + "\"component\":[{\"code\":{\"coding\":[{\"system\":\"https://vointi.fi/fhir/CodeSystem/score-component\","
            + "\"code\":\"items-answered\",\"display\":\"Items answered\"}]},\"valueInteger\":3}]}";

    /** Not the demo: another questionnaire, Swedish text, an adaptive score with its theta components, a proxy report. */
    static final String SWEDISH_CAT_SCORE = "{\"resourceType\":\"Observation\",\"id\":\"0b6e2f4c-9d1a-4c55-b1f3-7e2a9c0d4e81\","
            + "\"meta\":{\"versionId\":\"2\",\"lastUpdated\":\"2027-03-14T08:02:11.904+00:00\"},\"status\":\"amended\","
            + "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\","
            + "\"code\":\"survey\",\"display\":\"Survey\"}]}],\"code\":{\"coding\":[{\"system\":"
            + "\"https://vointi.fi/fhir/CodeSystem/vointi-score\",\"code\":\"county-fatigue-bank.cat\","
            + "\"display\":\"Trötthet i vardagen – självskattning för unga\"}],\"text\":\"Trötthet i vardagen – självskattning för unga\"},"
            + "\"subject\":{\"reference\":\"Patient/pt-77a1\"},\"effectiveDateTime\":\"2027-03-14T09:58:40+02:00\","
            + "\"performer\":[{\"reference\":\"RelatedPerson/rp-åsa-öberg\"}],\"issued\":\"2027-03-14T08:02:11.904+00:00\","
            + "\"valueQuantity\":{\"value\":57.3,\"unit\":\"{T-score}\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"{T-score}\"},"
            + "\"interpretation\":[{\"coding\":[{\"system\":\"https://vointi.fi/fhir/CodeSystem/score-band\",\"code\":\"moderate\","
            + "\"display\":\"Måttlig trötthet\"}],\"text\":\"Måttlig trötthet\"}],"
            + "\"derivedFrom\":[{\"reference\":\"QuestionnaireResponse/a3c1d2e4-5f60-4718-9a2b-3c4d5e6f7a8b/_history/2\"}],"
            + "\"component\":[{\"code\":{\"coding\":[{\"system\":\"https://vointi.fi/fhir/CodeSystem/score-component\","
            + "\"code\":\"standard-error\",\"display\":\"Standard error\"}]},\"valueQuantity\":{\"value\":2.9,\"unit\":\"{T-score}\","
            + "\"system\":\"http://unitsofmeasure.org\",\"code\":\"{T-score}\"}},{\"code\":{\"coding\":[{\"system\":"
            + "\"https://vointi.fi/fhir/CodeSystem/score-component\",\"code\":\"theta\",\"display\":\"Theta (IRT)\"}]},"
            + "\"valueQuantity\":{\"value\":0.73,\"unit\":\"{theta}\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"{theta}\"}},"
            + "{\"code\":{\"coding\":[{\"system\":\"https://vointi.fi/fhir/CodeSystem/score-component\",\"code\":"
            + "\"theta-standard-error\",\"display\":\"Standard error of theta\"}]},\"valueQuantity\":{\"value\":0.29,"
            + "\"unit\":\"{theta}\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"{theta}\"}},{\"code\":{\"coding\":"
            + "[{\"system\":\"https://vointi.fi/fhir/CodeSystem/score-component\",\"code\":\"items-answered\","
            + "\"display\":\"Items answered\"}]},\"valueInteger\":7}]}";

    @Test
    void aScoreObservationRoundTripsInAQuarterOfItsSize() {
        byte[] utf8 = SLEEP_SCORE.getBytes(StandardCharsets.UTF_8);
        byte[] packed = PackedObservationJson.pack(SLEEP_SCORE);
        assertEquals(PackedObservationJson.DEFLATE_DICTIONARY_1, packed[0]);
        assertEquals(SLEEP_SCORE, PackedObservationJson.unpack(packed));
        // measured 133 of 945 bytes (14 %); 400 Observations of a bench run averaged 131 of 1,000 (13 %)
        assertTrue(packed.length < utf8.length / 4, packed.length + " of " + utf8.length);
        // the dictionary is what makes it small: Deflate alone leaves more than half (≈500 of the same 945 bytes)
        assertTrue(packed.length * 3 < deflatedWithoutDictionary(utf8), packed.length + " vs " + deflatedWithoutDictionary(utf8));
    }

    @Test
    void anObservationUnlikeTheDictionaryStillRoundTripsAndShrinks() {
        byte[] packed = PackedObservationJson.pack(SWEDISH_CAT_SCORE);
        assertEquals(SWEDISH_CAT_SCORE, PackedObservationJson.unpack(packed));
        int utf8 = SWEDISH_CAT_SCORE.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(packed.length < utf8 / 5, packed.length + " of " + utf8); // measured 290 of 1,985 bytes (15 %)
    }

    @Test
    void anyTextRoundTrips() {
        for (String text : new String[]{"", "{}", "ä", "Hälsa och välbefinnande: åtta frågor om sömn, ork och humör 😊",
                "\u0000\uFFFF\r\n\t\"\\", "x"}) {
            assertEquals(text, PackedObservationJson.unpack(PackedObservationJson.pack(text)), text);
        }
    }

    @Test
    void largeTextRoundTripsThroughMoreThanOneBuffer() {
        StringBuilder large = new StringBuilder();
        for (int i = 0; large.length() < 400_000; i++) {
            large.append(SWEDISH_CAT_SCORE.replace("57.3", Integer.toString(i * 7919 % 100_003))).append(i);
        }
        String text = large.toString();
        byte[] packed = PackedObservationJson.pack(text);
        assertEquals(text, PackedObservationJson.unpack(packed));
        assertTrue(packed.length < text.length() / 10, Integer.toString(packed.length));
    }

    @Test
    void textDeflateCannotShortenIsStoredPlain() {
        // Deflate's block header and end code alone take more than one character
        assertArrayEquals(new byte[]{PackedObservationJson.PLAIN, 'x'}, PackedObservationJson.pack("x"));
        assertArrayEquals(new byte[]{PackedObservationJson.PLAIN}, PackedObservationJson.pack(""));
    }

    @Test
    void formatZeroIsWhatMigrationV33StoredForEarlierRows() {
        String json = "{\"resourceType\":\"Observation\",\"code\":{\"text\":\"Sömn och ork – ålder 7–12\"}}";
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        byte[] stored = new byte[utf8.length + 1]; // 0x00 || convert_to(resource_json, 'UTF8')
        System.arraycopy(utf8, 0, stored, 1, utf8.length);
        assertEquals(json, PackedObservationJson.unpack(stored));
        assertEquals("", PackedObservationJson.unpack(new byte[]{0}));
    }

    @Test
    void anUnknownFormatOrDamagedBytesAreRefusedClearly() {
        byte[] packed = PackedObservationJson.pack(SLEEP_SCORE);
        byte[] future = packed.clone();
        future[0] = 2;
        assertTrue(assertThrows(IllegalStateException.class, () -> PackedObservationJson.unpack(future)).getMessage()
                .contains("unknown format 2"));
        assertThrows(IllegalStateException.class, () -> PackedObservationJson.unpack(new byte[0]));
        byte[] cut = Arrays.copyOf(packed, packed.length / 2);
        assertTrue(assertThrows(IllegalStateException.class, () -> PackedObservationJson.unpack(cut)).getMessage()
                .contains("cut short"));
    }

    /** Rows stored in format 1 decode only with the very same dictionary: a change must be a new format. */
    @Test
    void formatOnesDictionaryNeverChanges() throws Exception {
        assertEquals(2638, PackedObservationJson.DICTIONARY_1.length);
        assertEquals("74d8db9152cf55c678d36a05666be4849bd90aff5de363ea4adb533725ceb5e8",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(PackedObservationJson.DICTIONARY_1)));
    }

    /** Format 1 as the first release wrote it (SLEEP_SCORE): must decode forever, whatever zlib does to packing. */
    @Test
    void bytesPackedByTheFirstReleaseStillUnpack() {
        byte[] stored = HexFormat.of().parseHex("01edd53d0a02311404e0bbd88fbcdfbcec9ec30b2426a92c04ef0f2e58aeba6b2582ed94"
                + "337ccc1ea7838bba72475131d82867e4d00c17a7682d5797f2b9653911cfe233a7a346fc2d3f2cdf2ebd5f0fdb2fb0e134551aa1"
                + "6160b0eb7bb50ca1b5da35c7a783bde698bea99188a751db04a34a306645eeea18542c9672927bfe3db1ba6477");
        assertEquals(SLEEP_SCORE, PackedObservationJson.unpack(stored));
    }

    private static int deflatedWithoutDictionary(byte[] utf8) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            deflater.setInput(utf8);
            deflater.finish();
            byte[] out = new byte[utf8.length * 2];
            return deflater.deflate(out);
        } finally {
            deflater.end();
        }
    }
}
