package fi.vointi.fhir;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Collects SQL conditions assembled from fixed fragments and the values bound to them: a search never
 * puts a client's text into SQL, only into bound parameters.
 */
public final class SqlWhere {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> parameters = new ArrayList<>();

    /** Adds a condition (parenthesised) with its bound values. */
    public SqlWhere add(String condition, Object... values) {
        conditions.add("(" + condition + ")");
        parameters.addAll(List.of(values));
        return this;
    }

    /** Adds the alternatives built by {@code condition} for each value, OR-ed (a FHIR comma list); none = no condition. */
    public void anyOf(List<String> values, BiConsumer<SqlWhere, String> condition) {
        if (values.isEmpty()) {
            return;
        }
        SqlWhere alternatives = new SqlWhere();
        values.forEach(v -> condition.accept(alternatives, v));
        add(alternatives.joined(" OR "), alternatives.parameters.toArray());
    }

    /** {@link #anyOf} for each occurrence of a search parameter: repeated parameters all apply (AND). */
    public void allOf(List<List<String>> occurrences, BiConsumer<SqlWhere, String> condition) {
        occurrences.forEach(values -> anyOf(values, condition));
    }

    public String joined(String operator) {
        return String.join(operator, conditions);
    }

    /** " WHERE a AND b", or "" without conditions. */
    public String sql() {
        return conditions.isEmpty() ? "" : " WHERE " + joined(" AND ");
    }

    public List<Object> parameters() {
        return Collections.unmodifiableList(parameters);
    }

    public static String placeholders(int n) {
        return n == 0 ? "NULL" : String.join(", ", Collections.nCopies(n, "?"));
    }

    public static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
    }
}
