package dev.bulwark.masking;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Error and notice fields, and notification payloads. */
class MessageMaskingTest {

    private static final CatalogTable CUSTOMERS = TestData.table(16385, "public", "customers",
            "id", "full_name", "email", "phone", "card_number", "ssn", "city");
    private static final ErrorSource ON_CUSTOMERS = new ErrorSource("public", "customers");

    private final SessionMasking alice = TestData.demoPolicy().forSession(TestData.ALICE, "demo");
    private final SessionMasking dba = TestData.demoPolicy().forSession(TestData.DBA, "demo");

    private String detail(String text) {
        return alice.maskMessageField('D', text, ON_CUSTOMERS, Optional.of(CUSTOMERS));
    }

    @Test
    void uniqueViolationKeys() {
        assertEquals("Key (email)=(***@example.com) already exists.",
                detail("Key (email)=(alice@example.com) already exists."));
        assertEquals("Key (id, card_number)=(7, ************1111) already exists.",
                detail("Key (id, card_number)=(7, 4111111111111111) already exists."));
        assertEquals("Key (lower(email::text))=(***@example.com) already exists.",
                detail("Key (lower(email::text))=(alice@example.com) already exists."));
        assertEquals("Key (id)=(7) already exists.", detail("Key (id)=(7) already exists."));
        assertEquals("Key (email)=(***@example.com) conflicts with existing key (email)=(***@example.org).",
                detail("Key (email)=(alice@example.com) conflicts with existing key (email)=(bob@example.org)."));
    }

    @Test
    void failingRows() {
        assertEquals("Failing row contains (1, Alice, ***@example.com, null, ************1111, null, Paris).",
                detail("Failing row contains (1, Alice, alice@example.com, null, 4111111111111111, null, Paris)."));
        assertEquals("Failing row contains (id, email) = (1, ***@example.com).",
                detail("Failing row contains (id, email) = (1, alice@example.com)."));
        // A value with ", " makes the split ambiguous: the whole detail is replaced.
        assertEquals(SessionMasking.REDACTED_DETAIL,
                detail("Failing row contains (1, Liddell, Alice, alice@example.com, null, 4111111111111111, null, Paris)."));
        // Without the table's columns a positional row cannot be read.
        assertEquals(SessionMasking.REDACTED_DETAIL, alice.maskMessageField('D',
                "Failing row contains (1, Alice, alice@example.com, null, 4111111111111111, null, Paris).", ON_CUSTOMERS,
                Optional.empty()));
    }

    @Test
    void errorsWithoutATableStillMaskByColumnNameAndDetectors() {
        assertEquals("Key (email)=(***@example.com) is not present in table \"customers\".",
                alice.maskMessageField('D', "Key (email)=(alice@example.com) is not present in table \"customers\".",
                        ErrorSource.NONE, Optional.empty()));
        assertEquals("invalid input syntax for type integer: \"****\"", alice.maskMessageField('M',
                "invalid input syntax for type integer: \"alice@example.com\"", ErrorSource.NONE, Optional.empty()));
        assertEquals("try ****", alice.maskMessageField('H', "try 4111111111111111", ErrorSource.NONE, Optional.empty()));
        // fields that carry no values are left alone
        assertEquals("23505", alice.maskMessageField('C', "23505", ErrorSource.NONE, Optional.empty()));
    }

    @Test
    void otherTablesAreLeftToTheDetectors() {
        ErrorSource orders = new ErrorSource("public", "orders");
        assertEquals("Key (note)=(****) already exists.",
                alice.maskMessageField('D', "Key (note)=(bob@example.org) already exists.", orders, Optional.empty()));
        assertEquals("Key (note)=(hello) already exists.",
                alice.maskMessageField('D', "Key (note)=(hello) already exists.", orders, Optional.empty()));
    }

    @Test
    void notificationPayloads() {
        assertEquals("{\"customer\":\"****\",\"total\":12}",
                alice.maskNotificationPayload("{\"customer\":\"alice@example.com\",\"total\":12}"));
        assertEquals("plain", alice.maskNotificationPayload("plain"));
        assertEquals("alice@example.com", dba.maskNotificationPayload("alice@example.com"));
        assertEquals("Key (email)=(alice@example.com) already exists.", dba.maskMessageField('D',
                "Key (email)=(alice@example.com) already exists.", ON_CUSTOMERS, Optional.of(CUSTOMERS)));
    }
}
