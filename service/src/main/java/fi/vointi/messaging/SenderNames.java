package fi.vointi.messaging;

import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The SMS sender name of each county ({@code county-id=Name,other-county=Other}). An alphanumeric sender is at most
 * 11 characters of letters, digits and spaces (what operators pass on unchanged); the same name signs the e-mails.
 */
final class SenderNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9 ]{1,11}");

    private SenderNames() {
    }

    static String checked(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ConfigurationException("An SMS sender name must be 1-11 letters (A-Z), digits or spaces, not '" + name + "'");
        }
        return name;
    }

    static Map<String, String> parse(@Nullable String text) {
        Map<String, String> names = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return names;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq < 1) {
                throw new ConfigurationException("vointi.messaging.county-sender-names: expected county-id=Name, not '" + pair + "'");
            }
            names.put(pair.substring(0, eq).trim(), checked(pair.substring(eq + 1).trim()));
        }
        return names;
    }
}
