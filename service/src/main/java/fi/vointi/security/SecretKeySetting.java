package fi.vointi.security;

import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;

import java.util.Set;

/**
 * The one rule for a secret key setting that must be the deployment's own: dev mode and tests fall back to a public
 * development key; any other start without a key, or with the development key, is refused with a message naming the
 * setting and its environment variable. Used by the adaptive-state seal and the subscription-header seal.
 *
 * @param setting     the configuration key, e.g. {@code vointi.adaptive.state-key}
 * @param environment its environment variable
 * @param purpose     what the key protects, said in the refusal ("it protects …")
 * @param devKey      the public development key
 */
public record SecretKeySetting(String setting, String environment, String purpose, String devKey) {

    /** The configured key (trimmed), or the development key in dev mode and tests. */
    public String checked(@Nullable String key, Set<String> environments, boolean devMode) {
        boolean relaxed = devMode || environments.contains(Environment.TEST);
        if (key == null || key.isBlank()) {
            if (!relaxed) {
                throw new ConfigurationException(setting + " (" + environment + ") is required outside dev mode: "
                        + purpose + "; generate one with 'openssl rand -base64 32'");
            }
            return devKey;
        }
        String trimmed = key.trim();
        if (!relaxed && trimmed.equals(devKey)) {
            throw new ConfigurationException(setting + " is the public development key; production needs its own"
                    + " secret key (openssl rand -base64 32)");
        }
        return trimmed;
    }
}
