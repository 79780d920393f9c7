package fi.vointi.fhir;

import io.micronaut.core.annotation.Nullable;

import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * Recognises "the database cannot be reached" among the causes of a failure: the pool found no connection within its
 * timeout ({@code datasources.default.connection-timeout}, 3 s by default, Hikari's SQLTransientConnectionException),
 * or a connection broke, was refused or could not be set up (SQLState class 08, Micronaut Data's ConnectionException).
 * Such a request is answered 503 with Retry-After.
 */
public final class DatabaseOutage {
    /** What Retry-After says during an outage: about the pool's timeout plus a moment. */
    public static final long RETRY_AFTER_SECONDS = 5;

    private DatabaseOutage() {
    }

    public static boolean isOutage(@Nullable Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // Micronaut Data's own: a connection could not be opened, set up or closed (e.g. Hikari's "Connection is
            // closed" when the pool evicted a connection the database dropped)
            if (t instanceof io.micronaut.data.connection.exceptions.ConnectionException) {
                return true;
            }
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
            if (t instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }
}
