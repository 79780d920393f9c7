package fi.vointi.messaging;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;

/**
 * {@code vointi.messaging.sms.*}: the SMS gateway's URL and credentials, and the secret the gateway presents when it
 * reports delivery and replies. Without a URL, no SMS is sent (and none is accepted).
 */
@ConfigurationProperties("vointi.messaging.sms")
public class SmsConfiguration {
    @Nullable
    private String url;
    @Nullable
    private String username;
    @Nullable
    private String password;
    @Nullable
    private String callbackSecret;
    private Duration timeout = Duration.ofSeconds(10);

    public boolean configured() {
        return url != null && !url.isBlank();
    }

    @Nullable
    public String getUrl() {
        return url;
    }

    public void setUrl(@Nullable String url) {
        this.url = url;
    }

    @Nullable
    public String getUsername() {
        return username;
    }

    public void setUsername(@Nullable String username) {
        this.username = username;
    }

    @Nullable
    public String getPassword() {
        return password;
    }

    public void setPassword(@Nullable String password) {
        this.password = password;
    }

    @Nullable
    public String getCallbackSecret() {
        return callbackSecret;
    }

    public void setCallbackSecret(@Nullable String callbackSecret) {
        this.callbackSecret = callbackSecret;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }
}
