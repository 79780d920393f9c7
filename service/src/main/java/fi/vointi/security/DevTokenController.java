package fi.vointi.security;

import fi.vointi.fhir.FhirException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dev mode token endpoint (OAuth2-like, form encoded): {@code user=demo-patient-aino} for a person, or
 * {@code grant_type=client_credentials&client_id=demo-ehr} for a backend client. Demo users only.
 */
@Controller("/dev")
@Secured(SecurityRule.IS_ANONYMOUS)
@Requires(bean = DevTokenIssuer.class)
public class DevTokenController {
    static final Duration LIFETIME = Duration.ofHours(1);
    private final DevTokenIssuer issuer;

    public DevTokenController(DevTokenIssuer issuer) {
        this.issuer = issuer;
    }

    @Post(uri = "/token", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> token(@Nullable String user, @Nullable String grant_type, @Nullable String client_id) {
        String name = "client_credentials".equals(grant_type) ? client_id : user;
        DemoUsers.DemoUser demo = name == null ? null : DemoUsers.byName(name).orElse(null);
        if (demo == null) {
            throw new FhirException(HttpStatus.BAD_REQUEST, IssueType.INVALID,
                    "Unknown demo user '" + name + "'; see GET /dev/users");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", issuer.issue(demo.name(), demo.claims(), LIFETIME));
        body.put("token_type", "Bearer");
        body.put("expires_in", LIFETIME.toSeconds());
        if (demo.claims().get("scope") != null) {
            body.put("scope", demo.claims().get("scope"));
        }
        return body;
    }

    @Get(uri = "/users", produces = MediaType.APPLICATION_JSON)
    public List<Map<String, Object>> users() {
        return DemoUsers.ALL.stream().map(u -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("user", u.name());
            row.put("description", u.description());
            row.put("claims", u.claims());
            return row;
        }).toList();
    }
}
