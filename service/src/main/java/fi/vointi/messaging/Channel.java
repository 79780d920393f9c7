package fi.vointi.messaging;

import java.util.Locale;

/** How a message travels; the code is what the outbox stores. */
public enum Channel {
    SMS, EMAIL;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Channel of(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
