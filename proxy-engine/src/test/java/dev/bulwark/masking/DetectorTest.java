package dev.bulwark.masking;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectorTest {

    private static List<String> found(DetectorKind kind, String text) {
        List<int[]> spans = new ArrayList<>();
        Detector detector = Detector.of(kind);
        // The pre-filter must never hide a real finding.
        if ((TextFeatures.scan(text) & detector.feature()) == 0) {
            return List.of();
        }
        detector.find(text, spans);
        return spans.stream().map(s -> text.substring(s[0], s[1])).toList();
    }

    @Test
    void emails() {
        assertEquals(List.of("alice@example.com"), found(DetectorKind.EMAIL, "mail alice@example.com now"));
        assertEquals(List.of("a.b+tag@mail.co.uk", "x_y@sub.example.org"),
                found(DetectorKind.EMAIL, "{\"e\":\"a.b+tag@mail.co.uk\",\"f\":\"x_y@sub.example.org\"}"));
        assertEquals(List.of(), found(DetectorKind.EMAIL, "user@localhost"));
        assertEquals(List.of(), found(DetectorKind.EMAIL, "@example.com"));
        assertEquals(List.of(), found(DetectorKind.EMAIL, "no at sign here"));
    }

    @Test
    void paymentCardsNeedTheLuhnCheck() {
        assertEquals(List.of("4111111111111111"), found(DetectorKind.PAYMENT_CARD, "card 4111111111111111."));
        assertEquals(List.of("4111 1111 1111 1111"), found(DetectorKind.PAYMENT_CARD, "4111 1111 1111 1111"));
        assertEquals(List.of("5500-0000-0000-0004"), found(DetectorKind.PAYMENT_CARD, "x5500-0000-0000-0004x"));
        assertEquals(List.of("378282246310005"), found(DetectorKind.PAYMENT_CARD, "amex 378282246310005"));
        // a card followed by more digits in another group
        assertEquals(List.of("4111 1111 1111 1111"), found(DetectorKind.PAYMENT_CARD, "4111 1111 1111 1111 2024"));
        // Luhn fails: not a card
        assertEquals(List.of(), found(DetectorKind.PAYMENT_CARD, "4111111111111112"));
        assertEquals(List.of(), found(DetectorKind.PAYMENT_CARD, "1234567890123"));
        // too short, too long
        assertEquals(List.of(), found(DetectorKind.PAYMENT_CARD, "411111111111"));
        assertEquals(List.of(), found(DetectorKind.PAYMENT_CARD, "41111111111111111111111"));
    }

    @Test
    void luhn() {
        assertFalse(Detector.PaymentCard.luhn("79927398713", 0, 11)); // passes Luhn but has 11 digits
        assertTrue(Detector.PaymentCard.luhn("4012888888881881", 0, 16));
        assertFalse(Detector.PaymentCard.luhn("4012888888881882", 0, 16));
    }

    @Test
    void ibansNeedTheMod97Checksum() {
        assertEquals(List.of("DE89370400440532013000"), found(DetectorKind.IBAN, "iban DE89370400440532013000"));
        assertEquals(List.of("GB82 WEST 1234 5698 7654 32"), found(DetectorKind.IBAN, "GB82 WEST 1234 5698 7654 32 EUR"));
        assertEquals(List.of("FR1420041010050500013M02606"), found(DetectorKind.IBAN, "FR1420041010050500013M02606"));
        assertTrue(Detector.Iban.valid("NL91ABNA0417164300"));
        // one digit changed: checksum fails
        assertEquals(List.of(), found(DetectorKind.IBAN, "DE89370400440532013001"));
        assertFalse(Detector.Iban.valid("GB82WEST12345698765433"));
        assertEquals(List.of(), found(DetectorKind.IBAN, "AB12 short"));
    }

    @Test
    void phones() {
        assertEquals(List.of("+1 415 555 0101"), found(DetectorKind.PHONE, "call +1 415 555 0101 today"));
        assertEquals(List.of("+44 20 7946 0958"), found(DetectorKind.PHONE, "+44 20 7946 0958"));
        assertEquals(List.of("+33612345678"), found(DetectorKind.PHONE, "tel:+33612345678"));
        assertEquals(List.of("(415) 555-0199"), found(DetectorKind.PHONE, "us (415) 555-0199"));
        assertEquals(List.of("415-555-0199"), found(DetectorKind.PHONE, "415-555-0199"));
        // bare numbers, dates, SSNs and short numbers are not phones
        assertEquals(List.of(), found(DetectorKind.PHONE, "order 4155550199"));
        assertEquals(List.of(), found(DetectorKind.PHONE, "2024-01-31"));
        assertEquals(List.of(), found(DetectorKind.PHONE, "123-45-6789"));
        assertEquals(List.of(), found(DetectorKind.PHONE, "+12345"));
    }

    @Test
    void usSocialSecurityNumbers() {
        assertEquals(List.of("123-45-6789"), found(DetectorKind.US_SSN, "ssn 123-45-6789."));
        assertEquals(List.of(), found(DetectorKind.US_SSN, "000-45-6789"));
        assertEquals(List.of(), found(DetectorKind.US_SSN, "666-45-6789"));
        assertEquals(List.of(), found(DetectorKind.US_SSN, "923-45-6789"));
        assertEquals(List.of(), found(DetectorKind.US_SSN, "123-00-6789"));
        assertEquals(List.of(), found(DetectorKind.US_SSN, "123-45-0000"));
        // never every 9-digit number
        assertEquals(List.of(), found(DetectorKind.US_SSN, "123456789"));
        assertEquals(List.of(), found(DetectorKind.US_SSN, "2024-123-45-6789"));
    }

    @Test
    void jsonWebTokens() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.dGVzdHNpZ25hdHVyZQ";
        assertEquals(List.of(jwt), found(DetectorKind.JWT, "Bearer " + jwt));
        assertEquals(List.of("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."), found(DetectorKind.JWT, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
        assertEquals(List.of(), found(DetectorKind.JWT, "eyJhbGciOiJIUzI1NiJ9 alone"));
    }

    @Test
    void apiKeys() {
        assertEquals(List.of("AKIAIOSFODNN7EXAMPLE"), found(DetectorKind.API_KEY, "key=AKIAIOSFODNN7EXAMPLE"));
        String github = "ghp_" + "a".repeat(36);
        assertEquals(List.of(github), found(DetectorKind.API_KEY, "token " + github));
        assertEquals(List.of("xoxb-1234567890-abcdefghij"), found(DetectorKind.API_KEY, "xoxb-1234567890-abcdefghij"));
        String stripe = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc";
        assertEquals(List.of(stripe), found(DetectorKind.API_KEY, stripe));
        assertEquals(List.of(), found(DetectorKind.API_KEY, "AKIA_short"));
        assertEquals(List.of(), found(DetectorKind.API_KEY, "ghp_tooshort"));
        assertEquals(List.of(), found(DetectorKind.API_KEY, "pk_live_" + "4eC39HqLyjWDarjtT1zdp7dc")); // publishable
    }

    @Test
    void customPatternsAndTheirBudget() {
        List<int[]> spans = new ArrayList<>();
        new Detector.Custom("p", Pattern.compile("EMP-[0-9]{6}")).find("id EMP-123456 x", spans);
        assertEquals(1, spans.size());
        assertEquals(3, spans.get(0)[0]);
        // a catastrophic pattern runs out of budget and fails closed: the whole text is a finding
        spans.clear();
        new Detector.Custom("bad", Pattern.compile("(.*a){12}x")).find("a".repeat(40), spans);
        assertEquals(1, spans.size());
        assertEquals(40, spans.get(0)[1]);
    }

    @Test
    void overlappingFindingsAreMergedAndMaskedOnce() {
        DetectorSet set = new DetectorSet(List.of(
                new DetectorSet.Binding(Detector.of(DetectorKind.EMAIL), MaskingStrategy.Redact.INSTANCE, "r1"),
                new DetectorSet.Binding(new Detector.Custom("c", Pattern.compile("alice")), MaskingStrategy.Redact.INSTANCE,
                        "r2")), 1 << 20);
        assertEquals("to **** and ****", set.replace("to alice@example.com and alice", new Tokenizer(TestData.KEY)));
        String clean = "nothing here";
        assertTrue(set.replace(clean, null) == clean);
    }
}
