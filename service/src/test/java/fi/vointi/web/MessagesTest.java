package fi.vointi.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The three bundles say the same things: a key missing in one language would show a key or fail a page. */
class MessagesTest {
    @Test
    void everyKeyInEveryLanguage() {
        assertEquals(Messages.keys("fi"), Messages.keys("sv"));
        assertEquals(Messages.keys("fi"), Messages.keys("en"));
    }

    @Test
    void argumentsAndApostrophes() {
        assertEquals("At most 2000 characters.", Messages.get("en", "feedback.maxLength", "2000"));
        assertEquals("Högst 2000 tecken.", Messages.get("sv", "feedback.maxLength", "2000"));
        assertNotEquals(Messages.get("fi", "feedback.send"), Messages.get("sv", "feedback.send"));
    }
}
