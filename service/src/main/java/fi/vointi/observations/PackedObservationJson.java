package fi.vointi.observations;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * How an Observation's JSON is stored in {@code observation.resource} and {@code observation_history.resource}
 * (issue 19, disk per stored response; migration V33). A score Observation is ~1,000 characters, too short for
 * PostgreSQL to compress (it only compresses rows above ~2 KB), and most of it is the same in every one: key names,
 * code system URLs, the category, UCUM. So the application compresses it, as HAPI does with its JSONC encoding, and
 * with a preset dictionary of those repeated strings, which plain Deflate on 1 KB could not exploit.
 *
 * <p>The first byte says the format:
 * <ul>
 *   <li>0: plain UTF-8 (what V33 made of the rows stored before it);</li>
 *   <li>1: raw Deflate (no zlib header, best compression) with {@link #DICTIONARY_1} as preset dictionary.</li>
 * </ul>
 * A stored row is never rewritten when the format changes, so every format stays readable forever: a better
 * dictionary is format 2, with format 1's reader kept.
 */
public final class PackedObservationJson {
    static final byte PLAIN = 0;
    static final byte DEFLATE_DICTIONARY_1 = 1;

    /**
     * Format 1's preset dictionary: the strings a score Observation repeats (ObservationFactory, ScoreCodes), the
     * rarer first, then a typical demo score Observation as HAPI encodes it for storage (Deflate finds near strings
     * cheapest, so the most common shape comes last). Values decoded with it depend on every byte of it:
     * <b>never change it</b> (PackedObservationJsonTest pins its SHA-256); a new dictionary is a new format.
     */
    static final byte[] DICTIONARY_1 = (
            "\"dataAbsentReason\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/data-absent-reason\","
                    + "\"code\":\"not-performed\"}],\"text\":\"Not scored: too-few-answers (1 of 10 items answered)\"},"
                    + "\"performer\":[{\"type\":\"RelatedPerson\",\"identifier\":{\"system\":\"\","
                    + "\"value\":\"\"}}],\"performer\":[{\"reference\":\"RelatedPerson/\"}],"
                    + "\"status\":\"amended\",\"meta\":{\"versionId\":\"2\",\"lastUpdated\":\"2027-01-01T00:00:00.000+00:00\"},"
                    + "{\"code\":{\"coding\":[{\"system\":\"https://vointi.fi/fhir/CodeSystem/score-component\","
                    + "\"code\":\"theta-standard-error\",\"display\":\"Standard error of theta\"}]},\"valueQuantity\":"
                    + "{\"value\":0.31,\"unit\":\"{theta}\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"{theta}\"}},"
                    + "{\"code\":{\"coding\":[{\"system\":\"https://vointi.fi/fhir/CodeSystem/score-component\","
                    + "\"code\":\"theta\",\"display\":\"Theta (IRT)\"}]},\"valueQuantity\":"
                    + "{\"value\":-0.52,\"unit\":\"{theta}\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"{theta}\"}},"
                    + "\"component\":[{\"code\":{\"coding\":[{\"system\":\"https://vointi.fi/fhir/CodeSystem/score-component\","
                    + "\"code\":\"standard-error\",\"display\":\"Standard error\"}]},\"valueQuantity\":"
                    + "{\"value\":3.1,\"unit\":\"{T-score}\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"{T-score}\"}},"
                    + "\"code\":{\"coding\":[{\"system\":\"https://vointi.fi/fhir/CodeSystem/vointi-score\","
                    + "\"code\":\"demo-everyday-energy-bank.cat\",\"display\":\"Arjen energia\"}],\"text\":\"Arjen energia\"},"
                    + "\"valueQuantity\":{\"value\":48.2,\"unit\":\"{T-score}\",\"system\":\"http://unitsofmeasure.org\","
                    + "\"code\":\"{T-score}\"},\"display\":\"Mieliala\"}],\"text\":\"Mieliala\"},"
                    + "\"display\":\"Arjen toiminta\"}],\"text\":\"Arjen toiminta\"},\"display\":\"Uni\"}],\"text\":\"Uni\"},"
                    + "\"interpretation\":[{\"coding\":[{\"system\":\"https://vointi.fi/fhir/CodeSystem/score-band\","
                    + "\"code\":\"mild\",\"display\":\"Lievä haitta (demo)\"}],\"text\":\"Lievä haitta (demo)\"}],"
                    + "{\"resourceType\":\"Observation\",\"id\":\"\",\"meta\":{\"versionId\":\"1\","
                    + "\"lastUpdated\":\"2026-12-01T12:00:00.000+00:00\"},\"status\":\"final\",\"category\":[{\"coding\":"
                    + "[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"survey\","
                    + "\"display\":\"Survey\"}]}],\"code\":{\"coding\":[{\"system\":\"https://vointi.fi/fhir/CodeSystem/vointi-score\","
                    + "\"code\":\"demo-wellbeing-prom.total\",\"display\":\"Kokonaispistemäärä\"}],\"text\":\"Kokonaispistemäärä\"},"
                    + "\"subject\":{\"reference\":\"Patient/\"},\"effectiveDateTime\":\"2026-12-01T10:15:00+02:00\","
                    + "\"performer\":[{\"reference\":\"Patient/\"}],\"issued\":\"2026-12-01T12:00:00.000+00:00\","
                    + "\"valueQuantity\":{\"value\":20,\"unit\":\"{score}\",\"system\":\"http://unitsofmeasure.org\","
                    + "\"code\":\"{score}\"},\"derivedFrom\":[{\"reference\":\"QuestionnaireResponse//_history/1\"}],"
                    + "\"component\":[{\"code\":{\"coding\":[{\"system\":\"https://vointi.fi/fhir/CodeSystem/score-component\","
                    + "\"code\":\"items-answered\",\"display\":\"Items answered\"}]},\"valueInteger\":10}]}"
    ).getBytes(StandardCharsets.UTF_8);

    private PackedObservationJson() {
    }

    /** The JSON in format 1, or in format 0 if Deflate would not make it shorter (never for an Observation). */
    public static byte[] pack(String json) {
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            deflater.setDictionary(DICTIONARY_1);
            deflater.setInput(utf8);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length / 3 + 16);
            out.write(DEFLATE_DICTIONARY_1);
            byte[] buffer = new byte[512];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            if (out.size() <= utf8.length) {
                return out.toByteArray();
            }
        } finally {
            deflater.end();
        }
        byte[] plain = new byte[utf8.length + 1];
        plain[0] = PLAIN;
        System.arraycopy(utf8, 0, plain, 1, utf8.length);
        return plain;
    }

    /** The JSON that {@link #pack} packed, in any format ever written. */
    public static String unpack(byte[] stored) {
        if (stored.length == 0) {
            throw new IllegalStateException("a stored Observation is empty: not even its format byte");
        }
        return switch (stored[0]) {
            case PLAIN -> new String(stored, 1, stored.length - 1, StandardCharsets.UTF_8);
            case DEFLATE_DICTIONARY_1 -> inflate(stored, DICTIONARY_1);
            default -> throw new IllegalStateException("a stored Observation has the unknown format " + stored[0]
                    + " (written by a newer release?)");
        };
    }

    private static String inflate(byte[] stored, byte[] dictionary) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setDictionary(dictionary);
            inflater.setInput(stored, 1, stored.length - 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length * 8);
            byte[] buffer = new byte[2048];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalStateException("a stored Observation is cut short (" + stored.length + " bytes)");
                }
                out.write(buffer, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (DataFormatException e) {
            throw new IllegalStateException("a stored Observation is not valid Deflate: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
