package fi.vointi.messaging;

import io.micronaut.core.annotation.Nullable;
import org.apache.commons.text.StringSubstitutor;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Message texts per language (classpath {@code messaging/templates_{fi,sv,en}.properties}, UTF-8), filled in with
 * {@code ${name}} variables. An SMS text must fit one segment ({@link Gsm7}); one that does not is refused before
 * anything is queued, so a too-long template fails its test rather than costing two SMS per person.
 */
public final class Templates {
    public static final Set<String> LANGUAGES = Set.of("fi", "sv", "en");
    private static final Map<String, Properties> TEXTS = Map.of("fi", load("fi"), "sv", load("sv"), "en", load("en"));

    private Templates() {
    }

    /** A filled-in text; {@code subject} only for e-mail. */
    public record Text(@Nullable String subject, String body) {
    }

    public static Text render(String purpose, Channel channel, String language, Map<String, String> values) {
        Properties texts = TEXTS.getOrDefault(language, TEXTS.get("fi"));
        StringSubstitutor substitutor = new StringSubstitutor(values);
        substitutor.setEnableUndefinedVariableException(true);
        if (channel == Channel.SMS) {
            String body = substitutor.replace(required(texts, purpose + ".sms", language));
            if (Gsm7.segments(body) != 1) {
                throw new IllegalStateException("The " + language + " " + purpose + " SMS takes " + Gsm7.segments(body)
                        + " segments (" + Gsm7.units(body) + (Gsm7.isGsm7(body) ? " GSM-7" : " UCS-2") + " characters): it must fit one");
            }
            return new Text(null, body);
        }
        return new Text(substitutor.replace(required(texts, purpose + ".email.subject", language)),
                substitutor.replace(required(texts, purpose + ".email.body", language)));
    }

    private static String required(Properties texts, String key, String language) {
        String text = texts.getProperty(key);
        if (text == null) {
            throw new IllegalStateException("messaging/templates_" + language + ".properties has no " + key);
        }
        return text;
    }

    private static Properties load(String language) {
        String path = "messaging/templates_" + language + ".properties";
        try (InputStream in = Templates.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing");
            }
            Properties properties = new Properties();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
