package fi.vointi.audit;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** One row of the audit trail. {@code outcome} uses the FHIR AuditEvent codes: 0 success, 4 minor, 8 serious failure. */
public record AuditRecord(String id, Instant recorded, String action, String operation, String outcome, int httpStatus,
                          String agentId, String agentClient, String agentRoles, String sourceIp, String method,
                          String path, List<String> entities, Set<String> patients, String detail) {
}
