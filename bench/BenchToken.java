import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Stands in for a county identity provider in the benchmark: makes a key pair, writes the public JWKS
 * (served to Vointi as a static JWKS, exactly the production validation path) and prints a backend-client
 * token. Run with the service jar on the class path (it contains Nimbus JOSE):
 *
 *   java -cp service/target/vointi-service.jar bench/BenchToken.java target/bench-jwks.json "system/QuestionnaireResponse.c"
 */
public class BenchToken {
    public static void main(String[] args) throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("bench").generate();
        Files.writeString(Path.of(args[0]), new JWKSet(key.toPublicJWK()).toString());
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("bench-client").issuer("urn:vointi:bench-issuer").audience("vointi")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(4 * 3600)))
                .claim("roles", List.of("system")).claim("azp", "bench-client").claim("scope", args[1])
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench").build(), claims);
        jwt.sign(new RSASSASigner(key));
        System.out.println(jwt.serialize());
    }
}
