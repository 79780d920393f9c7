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
 *
 * With two more arguments it also writes COUNT patient tokens to a file, one line each: the patient id
 * ({@code bench-patient-00001}…), a space, the token (claims {@code roles=[patient]}, {@code patient=<id>}):
 *
 *   java -cp service/target/vointi-service.jar bench/BenchToken.java target/bench-jwks.json "system/Task.c" target/patients.txt 3000
 */
public class BenchToken {
    public static void main(String[] args) throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("bench").generate();
        Files.writeString(Path.of(args[0]), new JWKSet(key.toPublicJWK()).toString());
        System.out.println(sign(key, claims("bench-client")
                .claim("roles", List.of("system")).claim("azp", "bench-client").claim("scope", args[1])));
        if (args.length >= 4) {
            int count = Integer.parseInt(args[3]);
            StringBuilder lines = new StringBuilder();
            for (int i = 1; i <= count; i++) {
                String patient = String.format("bench-patient-%05d", i);
                lines.append(patient).append(' ').append(sign(key, claims("patient-" + patient)
                        .claim("roles", List.of("patient")).claim("patient", patient))).append('\n');
            }
            Files.writeString(Path.of(args[2]), lines);
        }
    }

    private static JWTClaimsSet.Builder claims(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .subject(subject).issuer("urn:vointi:bench-issuer").audience("vointi")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(4 * 3600)));
    }

    private static String sign(RSAKey key, JWTClaimsSet.Builder claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench").build(), claims.build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
