package dev.bulwark.auth;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 24 class 4: who is "the same person", whatever the spelling of the name. */
class PersonKeysTest {
    private static final Instant EXPIRES = Instant.parse("2030-01-01T00:00:00Z");
    /** Spellings an attacker might try for "alice"; each must be alice. */
    static final List<String> ALICE_VARIANTS = List.of(
            "alice", "Alice", "ALICE", "aLiCe", "alice ", " alice", "\talice\n", "al ice",
            "alice\u200B", "\u200Balice", "al\u200Cice", "al\u200Dice", "alice\u2060", "alice\uFEFF",
            "\u200Ealice", "\u200Falice", "\u202Aalice\u202C", "\u202Ealice", "\u2066alice\u2069", "\u061Calice",
            "ali\u00ADce", "alice\u034F", "alice\uFE0F", "alice\uDB40\uDC20", "alice\u180E",
            "\uFF41\uFF4C\uFF49\uFF43\uFF45", "\uFF21\uFF2C\uFF29\uFF23\uFF25", "ａｌｉｃｅ\u200B",
            "alice\u00A0", "alice\u3000", "alice\u2003", "alice\u0000", "alice\u3164",
            "\u0430lice", "\u0430l\u0456\u0441\u0435", "\u0410LI\u0421\u0415", "\u03B1lice", "\u0391LICE", "al\u0131ce");

    private static Identity identity(String issuer, String subject, Map<String, String> attributes,
            Map<String, String> names) {
        return new Identity(subject, Set.of(), issuer, "", EXPIRES, attributes, names);
    }

    @Test
    void everyVariantOfANameIsTheSamePerson() {
        PersonKeys alice = PersonKeys.ofNames(List.of("alice"));
        for (String variant : ALICE_VARIANTS) {
            assertEquals("alice", PersonKeys.normalize(variant), () -> "normalized " + escape(variant));
            assertTrue(alice.samePerson(PersonKeys.ofNames(List.of(variant))), () -> escape(variant));
            assertTrue(alice.samePerson(identity("https://other.example", variant, Map.of(), Map.of()).person()),
                    () -> "as a subject: " + escape(variant));
        }
        assertEquals("strasse", PersonKeys.normalize("STRAßE"), "full case folding");
        assertEquals("fi", PersonKeys.normalize("ﬁ"), "compatibility ligature");
        assertEquals("bob", PersonKeys.normalize("\u0412\u041E\u0412"), "Cyrillic capitals drawn as BOB");
    }

    @Test
    void otherPeopleStayOtherPeople() {
        PersonKeys alice = PersonKeys.ofNames(List.of("alice"));
        for (String other : List.of("alicia", "alice2", "bob", "ali", "alice.s", "alïce", "ałice")) {
            assertFalse(alice.samePerson(PersonKeys.ofNames(List.of(other))), other);
        }
    }

    @Test
    void anyNameInCommonMakesTheSamePersonAcrossIssuersAndKinds() {
        Identity requester = identity("https://idp-a.example", "00u1abc", Map.of("email", "dora@example.com"),
                Map.of("preferred_username", "dora"));
        // another issuer, the same subject
        assertTrue(requester.person().samePerson(identity("https://idp-b.example", "00U1ABC", Map.of(), Map.of()).person()));
        // an email claim on the other side only
        assertTrue(requester.person().samePerson(identity("https://idp-b.example", "x-77", Map.of(),
                Map.of("email", "Dora@Example.COM")).person()));
        // a subject that is the other's username
        assertTrue(requester.person().samePerson(identity("https://idp-b.example", "ｄｏｒａ", Map.of(), Map.of()).person()));
        // a Unix operator configured as dora's email
        assertTrue(requester.person().samePerson(PersonKeys.ofNames(List.of("dk", "dkramer", "dora@example.com"))));
        assertFalse(requester.person().samePerson(identity("https://idp-a.example", "00u1abd",
                Map.of("email", "dorian@example.com"), Map.of("preferred_username", "dorian")).person()));
    }

    @Test
    void invisibleCharactersAreFoundButAnInnerSpaceIsNot() {
        for (String variant : ALICE_VARIANTS) {
            if (!variant.equals("alice") && !variant.equals("Alice") && !variant.equals("ALICE") && !variant.equals("aLiCe")
                    && !variant.equals("al ice") && !variant.startsWith("\uFF41") && !variant.startsWith("\uFF21")
                    && variant.codePoints().allMatch(c -> c < 0x80 || !Character.isLetter(c) || c >= 0xFF00)) {
                assertTrue(PersonKeys.hasInvisible(variant), () -> escape(variant));
            }
        }
        assertFalse(PersonKeys.hasInvisible("Alice Smith"));
        assertFalse(PersonKeys.hasInvisible("ｊｏｓé"));
        assertFalse(PersonKeys.hasInvisible("alice@example.com"));
    }

    @Test
    void aPersonNeedsAName() {
        assertThrows(IllegalArgumentException.class, () -> PersonKeys.ofNames(List.of(" ", "\u200B")));
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> out.append(c < 0x20 || c > 0x7E ? String.format("\\u%04X", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
