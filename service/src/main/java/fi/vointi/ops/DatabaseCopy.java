package fi.vointi.ops;

import org.flywaydb.core.Flyway;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Moves a county's whole database from the embedded H2 default to PostgreSQL (issue 18, docs/operations.md "Moving
 * from H2 to PostgreSQL"). Both databases are brought to this release's schema by its own Flyway history (H2 with
 * {@code db/vendor/h2}, PostgreSQL with {@code db/vendor/postgresql}), then every table's rows are copied in foreign-key
 * order inside <em>one</em> target transaction: either everything arrives, with the row counts of every table equal,
 * or nothing does. The service must be stopped while it runs (nothing may write to the source meanwhile).
 *
 * <p>Values travel as JDBC objects with bound parameters ({@code getObject}/{@code setObject}); table and column names
 * come from the source's catalogue and must be plain lower-case identifiers (our migrations' own), so no SQL text is
 * built from data.
 */
public final class DatabaseCopy {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final String HISTORY_TABLE = "flyway_schema_history";
    private static final int BATCH = 500;

    /** One database: JDBC URL, user, password, and the vendor folder of its migrations. */
    public record Endpoint(String url, String user, String password) {
        String vendorFolder() {
            if (url.startsWith("jdbc:h2:")) {
                return "h2";
            }
            if (url.startsWith("jdbc:postgresql:")) {
                return "postgresql";
            }
            throw new IllegalArgumentException("Only H2 and PostgreSQL URLs are supported: " + url);
        }

        Connection open() throws SQLException {
            return DriverManager.getConnection(url, user, password == null ? "" : password);
        }
    }

    /** Rows copied per table, in the order they were copied. */
    public record Report(String schemaVersion, Map<String, Long> rowsByTable) {
        public long totalRows() {
            return rowsByTable.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Refused before anything was written to the target. */
    public static final class CopyRefused extends RuntimeException {
        CopyRefused(String message) {
            super(message);
        }
    }

    private final PrintStream progress;

    public DatabaseCopy(PrintStream progress) {
        this.progress = progress;
    }

    public Report copy(Endpoint source, Endpoint target) throws SQLException {
        String sourceVersion = migrate(source);
        String targetVersion = migrate(target);
        if (!sourceVersion.equals(targetVersion)) {
            throw new CopyRefused("Schema versions differ after migration: source " + sourceVersion + ", target " + targetVersion);
        }
        try (Connection from = source.open(); Connection to = target.open()) {
            from.setReadOnly(true);
            from.setAutoCommit(false);
            from.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            List<String> tables = tablesInForeignKeyOrder(from);
            for (String table : tables) {
                if (count(to, table) != 0) {
                    throw new CopyRefused("The target is not empty: table " + table + " has rows. Copy only into a new database.");
                }
            }
            to.setAutoCommit(false);
            Map<String, Long> copied = new LinkedHashMap<>();
            try {
                for (String table : tables) {
                    long rows = copyTable(from, to, table);
                    long arrived = count(to, table);
                    if (arrived != rows) {
                        throw new IllegalStateException("Table " + table + ": " + rows + " rows read, " + arrived + " in the target");
                    }
                    copied.put(table, rows);
                    progress.printf("%-40s %,12d rows%n", table, rows);
                }
                to.commit();
            } catch (SQLException | RuntimeException e) {
                to.rollback();
                throw e;
            } finally {
                from.rollback();
            }
            return new Report(sourceVersion, copied);
        }
    }

    /** Applies this release's migrations; returns the schema version reached. */
    private static String migrate(Endpoint endpoint) {
        Flyway flyway = Flyway.configure()
                .dataSource(endpoint.url(), endpoint.user(), endpoint.password())
                .locations("classpath:db/migration", "classpath:db/vendor/" + endpoint.vendorFolder())
                .load();
        flyway.migrate();
        var current = flyway.info().current();
        if (current == null) {
            throw new CopyRefused("No schema version after migrating " + endpoint.url());
        }
        return current.getVersion().getVersion();
    }

    /** The source's tables, parents before the tables that reference them. */
    static List<String> tablesInForeignKeyOrder(Connection connection) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String schema = connection.getSchema();
        Set<String> tables = new TreeSet<>();
        try (ResultSet rs = meta.getTables(null, schema, "%", new String[]{"TABLE", "BASE TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME");
                if (!HISTORY_TABLE.equalsIgnoreCase(name)) {
                    tables.add(identifier(name));
                }
            }
        }
        Map<String, Set<String>> parents = new TreeMap<>();
        for (String table : tables) {
            Set<String> own = new TreeSet<>();
            try (ResultSet rs = meta.getImportedKeys(null, schema, table)) {
                while (rs.next()) {
                    String parent = identifier(rs.getString("PKTABLE_NAME"));
                    if (!parent.equals(table) && tables.contains(parent)) {
                        own.add(parent);
                    }
                }
            }
            parents.put(table, own);
        }
        List<String> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        while (done.size() < tables.size()) {
            boolean progressed = false;
            for (String table : tables) {
                if (!done.contains(table) && done.containsAll(parents.get(table))) {
                    done.add(table);
                    ordered.add(table);
                    progressed = true;
                }
            }
            if (!progressed) {
                throw new CopyRefused("Foreign keys form a cycle among " + tables.stream().filter(t -> !done.contains(t)).toList());
            }
        }
        return ordered;
    }

    private static long copyTable(Connection from, Connection to, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = from.getMetaData().getColumns(null, from.getSchema(), table, "%")) {
            while (rs.next()) {
                columns.add(identifier(rs.getString("COLUMN_NAME")));
            }
        }
        String list = String.join(", ", columns);
        String select = "SELECT " + list + " FROM " + table;
        String insert = "INSERT INTO " + table + " (" + list + ") VALUES (" + "?, ".repeat(columns.size() - 1) + "?)";
        long rows = 0;
        try (Statement read = from.createStatement(); PreparedStatement write = to.prepareStatement(insert)) {
            read.setFetchSize(BATCH);
            try (ResultSet rs = read.executeQuery(select)) {
                int[] types = new int[columns.size()];
                for (int i = 0; i < types.length; i++) {
                    types[i] = rs.getMetaData().getColumnType(i + 1);
                }
                while (rs.next()) {
                    for (int i = 1; i <= types.length; i++) {
                        Object value = rs.getObject(i);
                        if (value == null) {
                            write.setNull(i, types[i - 1]);
                        } else {
                            write.setObject(i, value);
                        }
                    }
                    write.addBatch();
                    if (++rows % BATCH == 0) {
                        write.executeBatch();
                    }
                }
            }
            write.executeBatch();
        }
        return rows;
    }

    private static long count(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Our migrations' names are plain lower-case identifiers; anything else is refused rather than quoted. */
    private static String identifier(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (!IDENTIFIER.matcher(lower).matches()) {
            throw new CopyRefused("Unexpected table or column name in the source: " + name);
        }
        return lower;
    }

    /**
     * {@code java -cp vointi-service.jar fi.vointi.ops.DatabaseCopy --from <jdbc url> [--from-user u] --to <jdbc url>
     * [--to-user u]}; passwords from {@code VOINTI_COPY_FROM_PASSWORD} and {@code VOINTI_COPY_TO_PASSWORD}, never from
     * the command line (which other users of the host can read).
     */
    public static void main(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                usage("Unexpected argument: " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        if (args.length % 2 != 0 || !options.containsKey("from") || !options.containsKey("to")) {
            usage("--from and --to are required");
        }
        Endpoint source = new Endpoint(options.get("from"), options.getOrDefault("from-user", "sa"),
                System.getenv().getOrDefault("VOINTI_COPY_FROM_PASSWORD", ""));
        Endpoint target = new Endpoint(options.get("to"), options.getOrDefault("to-user", "vointi"),
                System.getenv().getOrDefault("VOINTI_COPY_TO_PASSWORD", ""));
        try {
            Report report = new DatabaseCopy(System.out).copy(source, target);
            System.out.printf("Copied %,d rows in %d tables, schema version %s. Point the service at the target now.%n",
                    report.totalRows(), report.rowsByTable().size(), report.schemaVersion());
        } catch (CopyRefused e) {
            System.err.println("Nothing copied: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("Nothing copied (the target transaction was rolled back): " + e.getMessage());
            System.exit(1);
        }
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: java -cp vointi-service.jar fi.vointi.ops.DatabaseCopy --from <H2 JDBC URL> [--from-user sa]"
                + " --to <PostgreSQL JDBC URL> [--to-user vointi]   (passwords: VOINTI_COPY_FROM_PASSWORD, VOINTI_COPY_TO_PASSWORD)");
        System.exit(2);
    }
}
