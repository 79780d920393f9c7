package fi.vointi.messaging;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;

/** {@code vointi.messaging.email.*}: the SMTP server. Without a host, no e-mail is sent (and none is accepted). */
@ConfigurationProperties("vointi.messaging.email")
public class EmailConfiguration {
    @Nullable
    private String host;
    private int port = 587;
    @Nullable
    private String username;
    @Nullable
    private String password;
    private boolean startTls = true;
    private String from = "no-reply@vointi.invalid";
    private Duration timeout = Duration.ofSeconds(20);

    public boolean configured() {
        return host != null && !host.isBlank();
    }

    @Nullable
    public String getHost() {
        return host;
    }

    public void setHost(@Nullable String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
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

    public boolean isStartTls() {
        return startTls;
    }

    public void setStartTls(boolean startTls) {
        this.startTls = startTls;
    }

    public String getFrom() {
        return from;
    }

    public void setFrom(String from) {
        this.from = from;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }
}
