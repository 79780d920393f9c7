package fi.vointi.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every word the pages say, from {@code web/messages_<lang>.properties} (UTF-8) for fi, sv and en. A missing key
 * fails loudly rather than showing a key or English on a Finnish page; {@code MessagesTest} keeps the three bundles
 * in step.
 */
public final class Messages {
    private static final Map<String, Properties> BUNDLES = Map.of(
            "fi", load("fi"), "sv", load("sv"), "en", load("en"));

    private Messages() {
    }

    /** The text of {@code key} in {@code lang}, with {@link MessageFormat} arguments ({0}, {1} …) filled in. */
    public static String get(String lang, String key, Object... args) {
        Properties bundle = BUNDLES.get(Languages.supported(lang));
        String pattern = bundle.getProperty(key);
        if (pattern == null) {
            throw new IllegalArgumentException("No text '" + key + "' in web/messages_" + lang + ".properties");
        }
        if (args.length == 0) {
            return pattern;
        }
        return new MessageFormat(pattern.replace("'", "''"), Locale.forLanguageTag(lang)).format(args);
    }

    /** The keys of one bundle, for the consistency test. */
    public static Set<String> keys(String lang) {
        return new TreeSet<>(BUNDLES.get(lang).stringPropertyNames());
    }

    private static Properties load(String lang) {
        String name = "web/messages_" + lang + ".properties";
        try (InputStream in = Messages.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path");
            }
            Properties properties = new Properties();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
