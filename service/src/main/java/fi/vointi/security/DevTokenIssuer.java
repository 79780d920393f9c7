package fi.vointi.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.security.token.jwt.signature.SignatureConfiguration;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

/**
 * Dev mode only: a token issuer with a key pair made in memory (never stored), so that the service can be
 * tried and tested end to end without a county identity provider. It is a signature the JWT validator accepts;
 * tokens from it carry the same claims a county's provider would. The key pair is made when first needed (the first
 * token, key set or verification: an RSA key costs 0.3-0.5 s of CPU, a noticeable part of a start on a small
 * machine, issue 19) and once per JVM, so that the test suite's many application contexts share one.
 * {@link DevModeGuard} refuses to start the service with this enabled in production.
 */
@Singleton
@Named("vointi-dev")
@Requires(property = "vointi.security.dev-issuer.enabled", value = "true")
public class DevTokenIssuer implements SignatureConfiguration {
    private static KeyPair keyPair;

    private final String issuer;
    private final String audience;

    public DevTokenIssuer(@Value("${vointi.security.issuer}") String issuer,
                          @Value("${vointi.security.audience}") String audience) {
        this.issuer = issuer;
        this.audience = audience;
    }

    private static synchronized KeyPair keys() {
        if (keyPair == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                keyPair = generator.generateKeyPair();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("RSA is not available", e);
            }
        }
        return keyPair;
    }

    public RSAPublicKey getPublicKey() {
        return (RSAPublicKey) keys().getPublic();
    }

    @Override
    public String supportedAlgorithmsMessage() {
        return "Only the RSA algorithms are supported";
    }

    @Override
    public boolean supports(JWSAlgorithm algorithm) {
        return JWSAlgorithm.Family.RSA.contains(algorithm);
    }

    @Override
    public boolean verify(SignedJWT jwt) throws JOSEException {
        return jwt.verify(new RSASSAVerifier(getPublicKey()));
    }

    /** A token for {@code subject} with the given extra claims, valid for {@code lifetime}. */
    public String issue(String subject, Map<String, Object> claims, Duration lifetime) {
        return issue(subject, claims, Instant.now(), lifetime, audience);
    }

    /** Full control over time and audience, for tests of expired and wrong-audience tokens. */
    public String issue(String subject, Map<String, Object> claims, Instant issuedAt, Duration lifetime, String audience) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(issuer)
                .audience(audience)
                .issueTime(Date.from(issuedAt))
                .notBeforeTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString());
        claims.forEach(builder::claim);
        return sign(builder.build());
    }

    /** Any claims as they are, signed with the dev key (tests of tokens a real provider should never send). */
    public String sign(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("vointi-dev").build(), claims);
        try {
            jwt.sign(new RSASSASigner(keys().getPrivate()));
        } catch (JOSEException e) {
            throw new IllegalStateException("Signing failed", e);
        }
        return jwt.serialize();
    }
}
