package fi.vointi.messaging;

import io.micronaut.core.annotation.Nullable;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.util.Locale;
import java.util.regex.Pattern;

/** Phone numbers and e-mail addresses in the one form the outbox stores and keys (E.164; a bare, lower-case address). */
public final class Addresses {
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s\\-().]");

    private Addresses() {
    }

    /** {@code +358401234567} from {@code 040 123 4567}, {@code 00358 40…} or {@code +358 40…}; null when not a number. */
    @Nullable
    public static String phone(@Nullable String text) {
        if (text == null) {
            return null;
        }
        String number = SEPARATORS.matcher(text.trim()).replaceAll("");
        if (number.startsWith("00")) {
            number = "+" + number.substring(2);
        } else if (number.startsWith("0")) {
            number = "+358" + number.substring(1); // a Finnish national number
        }
        return E164.matcher(number).matches() ? number : null;
    }

    /** A single plain address ({@code name@example.fi}), lower-cased; null for anything else (names, lists, groups). */
    @Nullable
    public static String email(@Nullable String text) {
        if (text == null || text.isBlank() || text.length() > 254) {
            return null;
        }
        try {
            InternetAddress address = new InternetAddress(text.trim(), true);
            if (address.getPersonal() != null || address.isGroup() || !address.getAddress().equals(text.trim())) {
                return null;
            }
            return address.getAddress().toLowerCase(Locale.ROOT);
        } catch (AddressException e) {
            return null;
        }
    }

    public static String normalised(Channel channel, String address) {
        String value = channel == Channel.SMS ? phone(address) : email(address);
        if (value == null) {
            throw new IllegalArgumentException("Not a valid " + channel.code() + " address");
        }
        return value;
    }
}
