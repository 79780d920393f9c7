package fi.vointi.messaging;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure rules of messaging: SMS length, quiet hours, backoff, addresses, templates, short links. */
class MessagingRulesTest {
    static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    static final QuietHours QUIET = new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0), HELSINKI);

    @Test
    void gsm7CountsSeptetsAndFallsBackToUcs2() {
        assertTrue(Gsm7.isGsm7("Hyvää päivää, Åsa! Ö ä å"));
        assertEquals(1, Gsm7.segments("a".repeat(160)));
        assertEquals(2, Gsm7.segments("a".repeat(161)));
        assertEquals(3, Gsm7.segments("a".repeat(307)));
        // € and [ are in the extension table: two septets each
        assertEquals(2, Gsm7.units("€"));
        assertEquals(2, Gsm7.segments("€".repeat(80) + "a"));
        // š (Finnish loanwords) is not GSM-7: the whole text becomes UCS-2, 70 a segment
        assertFalse(Gsm7.isGsm7("šakki"));
        assertEquals(1, Gsm7.segments("š".repeat(70)));
        assertEquals(2, Gsm7.segments("š".repeat(71)));
        assertEquals(0, Gsm7.segments(""));
    }

    @Test
    void quietHoursHoldUntilEightHelsinkiTimeAcrossMidnightAndDst() {
        Instant evening = ZonedDateTime.of(2026, 12, 2, 21, 0, 0, 0, HELSINKI).toInstant();
        Instant morning = ZonedDateTime.of(2026, 12, 3, 8, 0, 0, 0, HELSINKI).toInstant();
        assertEquals(morning, QUIET.nextAllowed(evening));
        assertEquals(morning, QUIET.nextAllowed(ZonedDateTime.of(2026, 12, 3, 3, 0, 0, 0, HELSINKI).toInstant()));
        Instant noon = ZonedDateTime.of(2026, 12, 2, 12, 0, 0, 0, HELSINKI).toInstant();
        assertEquals(noon, QUIET.nextAllowed(noon));
        assertEquals(morning, QUIET.nextAllowed(morning));
        assertFalse(QUIET.isQuiet(evening.minusSeconds(1)));
        // the night the clocks go forward (29 March 2026): still 08:00 local, now UTC+3
        Instant springNight = ZonedDateTime.of(2026, 3, 29, 2, 30, 0, 0, java.time.ZoneOffset.UTC).toInstant();
        assertEquals(ZonedDateTime.of(2026, 3, 29, 8, 0, 0, 0, HELSINKI).toInstant(), QUIET.nextAllowed(springNight));
        // a window within one day, and none at all
        QuietHours lunch = new QuietHours(LocalTime.of(12, 0), LocalTime.of(13, 0), HELSINKI);
        assertEquals(ZonedDateTime.of(2026, 12, 2, 13, 0, 0, 0, HELSINKI).toInstant(), lunch.nextAllowed(noon));
        assertEquals(evening, new QuietHours(LocalTime.NOON, LocalTime.NOON, HELSINKI).nextAllowed(evening));
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(10));
        assertEquals(Duration.ofMinutes(1), backoff.after(1));
        assertEquals(Duration.ofMinutes(2), backoff.after(2));
        assertEquals(Duration.ofMinutes(8), backoff.after(4));
        assertEquals(Duration.ofMinutes(10), backoff.after(5));
        assertEquals(Duration.ofMinutes(10), backoff.after(60));
    }

    @Test
    void addressesAreNormalisedOrRefused() {
        assertEquals("+358401234567", Addresses.phone("040 123 4567"));
        assertEquals("+358401234567", Addresses.phone("+358 40-123 4567"));
        assertEquals("+46701234567", Addresses.phone("0046 70 123 45 67"));
        assertNull(Addresses.phone("call me"));
        assertNull(Addresses.phone("+35"));
        assertEquals("maija.meikalainen@example.fi", Addresses.email("Maija.Meikalainen@Example.fi"));
        assertNull(Addresses.email("Maija <maija@example.fi>"));
        assertNull(Addresses.email("a@example.fi, b@example.fi"));
        assertNull(Addresses.email("not an address"));
    }

    @Test
    void everyInvitationSmsFitsOneSegmentWithTheLongestLinkAndSender() {
        String link = "https://kysely.example-county.fi/i/" + "x".repeat(22);
        assertTrue(link.length() <= InvitationLinks.MAX_LENGTH);
        String longest = "https://" + "k".repeat(InvitationLinks.MAX_LENGTH - 8 - 25) + "/i/" + "x".repeat(22);
        assertEquals(InvitationLinks.MAX_LENGTH, longest.length());
        // the invitation, and a schedule's reminder of it (docs/schedules.md)
        for (String purpose : new String[] {InvitationMessaging.PURPOSE, InvitationMessaging.REMINDER}) {
            for (String language : Templates.LANGUAGES) {
                Templates.Text sms = Templates.render(purpose, Channel.SMS, language,
                        Map.of("sender", "W".repeat(11), "link", longest, "expires", "30.12.2026"));
                assertEquals(1, Gsm7.segments(sms.body()), purpose + " " + language + ": " + sms.body());
                assertTrue(Gsm7.isGsm7(sms.body()), purpose + " " + language);
                assertTrue(sms.body().contains(longest) && sms.body().contains("STOP"), purpose + " " + language);
                Templates.Text mail = Templates.render(purpose, Channel.EMAIL, language,
                        Map.of("sender", "Vointi", "link", longest, "expires", "30.12.2026", "unsubscribe", "https://x.fi/o/code"));
                assertTrue(mail.body().contains(longest) && mail.subject() != null && !mail.subject().isBlank(), purpose + " " + language);
                assertTrue(mail.body().contains("https://x.fi/o/code"), "every e-mail carries its opt-out link: " + purpose + " " + language);
            }
        }
        // a text that would take two SMS is refused before anything is queued
        assertThrows(IllegalStateException.class, () -> Templates.render("invitation", Channel.SMS, "fi",
                Map.of("sender", "Vointi", "link", "x".repeat(120), "expires", "30.12.2026")));
    }

    @Test
    void theShortLinkCodeLeadsToAFullLengthInvitationToken() {
        String code = InvitationLinks.newCode();
        assertTrue(InvitationLinks.wellFormed(code));
        String token = InvitationLinks.token(code);
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
        assertEquals(token, InvitationLinks.token(code));
        assertFalse(token.equals(InvitationLinks.token(InvitationLinks.newCode())));
        assertFalse(InvitationLinks.wellFormed(token));
    }

    @Test
    void senderNamesAreCheckedAtStartUp() {
        assertEquals(Map.of("demo-county", "DemoCounty", "other", "Other 2"), SenderNames.parse("demo-county=DemoCounty, other=Other 2"));
        assertThrows(io.micronaut.context.exceptions.ConfigurationException.class, () -> SenderNames.parse("x=A name that is too long"));
        assertThrows(io.micronaut.context.exceptions.ConfigurationException.class, () -> SenderNames.parse("no-equals"));
    }
}
