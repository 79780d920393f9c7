package fi.vointi.catalog;

import ca.uhn.fhir.util.VersionUtil;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * What a validation result depends on besides the content: the HAPI version and every conformance resource
 * the validator holds. Content validated under one fingerprint counts as valid again only under the same one.
 */
public final class ValidationFingerprint {
    // Raise when ProfileValidator's settings change, so that earlier passes no longer count.
    private static final String VALIDATOR_SETTINGS = "profile-validator-1";

    private ValidationFingerprint() {
    }

    /** @param conformanceJson the conformance resources as encoded JSON, in any order */
    public static String of(List<String> conformanceJson) {
        StringBuilder all = new StringBuilder(VALIDATOR_SETTINGS).append('\n').append(VersionUtil.getVersion()).append('\n');
        conformanceJson.stream().map(ValidationFingerprint::sha256).sorted(Comparator.naturalOrder())
                .forEach(hash -> all.append(hash).append('\n'));
        return sha256(all.toString());
    }

    /** The key of one piece of content under a fingerprint. */
    public static String key(String fingerprint, String contentJson) {
        return sha256(fingerprint + '\n' + contentJson);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
