package dev.bulwark.auth;

import java.text.Normalizer;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The one owner of "is this the same person": the names an identity is known by, each normalized, so
 * that two identities are the same person when any of their names meet. Approvals use it to refuse
 * a reviewer's decision on their own statement and to count a quorum by people, not by accounts.
 *
 * <p><b>Which names.</b> A token identity (a client's, or an operator's on the TLS listener) is known
 * by its subject, its {@code email} and {@code preferred_username} claims, and the rule attributes
 * mapped under those two names ({@code attribute_claims}), when present. An operator on the Unix
 * socket is known by its operator name, its OS user name and the names configured for it
 * ({@code management.operators[].also_known_as}), which is how a local account and an OIDC
 * identity of the same person are tied together.
 *
 * <p><b>Why the subject alone, without its issuer.</b> The identity is issuer plus subject, but a
 * match on the subject alone already counts as the same person: the same subject from another
 * issuer may be someone else, and treating it as the same person only ever refuses a decision (a
 * self-approval, a second vote), never lets one through. The same holds for email and username
 * claims, which an issuer may let its users edit: claiming someone's email makes you the same person
 * as them, which can only take rights away. Every name is compared with every other kind (a subject
 * that is an email matches the email claim) for the same reason.
 *
 * <p><b>Normalized.</b> {@link #normalize}: Unicode NFKC (fullwidth and compatibility forms become
 * plain letters), invisible characters removed (format characters such as zero-width spaces and
 * joiners, bidirectional marks and overrides, soft hyphens, tags, variation selectors, Hangul fillers),
 * controls and all whitespace removed, full case folding (NFKC again after folding), and the Cyrillic
 * and Greek letters that look like Latin ones (in either case) replaced by them ({@link #LOOK_ALIKES}).
 * That table is the common cases, not Unicode's whole confusables list; see the README.
 */
public record PersonKeys(Set<String> keys) {
    /** Claims (and mapped attribute names) that name the person besides the subject. */
    public static final Set<String> NAME_CLAIMS = Set.of("email", "preferred_username");
    /**
     * Lower-case Cyrillic and Greek letters (after folding) whose lower- or upper-case form is drawn
     * like a Latin letter, and that letter: "аlice" with a Cyrillic а, or "ВОВ" in Cyrillic capitals.
     * Matching too much only refuses a decision, so a letter that looks like two is mapped to one.
     */
    static final Map<Integer, Character> LOOK_ALIKES = lookAlikes(
            // Cyrillic
            "а=a в=b е=e ё=e һ=h і=i ї=i ј=j к=k ӏ=l м=m н=h о=o р=p с=c ѕ=s т=t у=y х=x ԁ=d ԛ=q ԝ=w ɡ=g ɑ=a ı=i "
            // Greek
            + "α=a β=b ε=e ζ=z η=h ι=i κ=k μ=m ν=n ο=o ρ=p τ=t υ=y χ=x ϲ=c ϳ=j");

    public PersonKeys {
        keys = Set.copyOf(requireNonNull(keys, "keys is null"));
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a person needs at least one name");
        }
    }

    /** A token identity's names: subject, then its name claims and attributes. */
    public static PersonKeys of(Identity identity) {
        requireNonNull(identity, "identity is null");
        Set<String> keys = new TreeSet<>();
        keys.add(normalize(identity.subject()));
        for (String claim : NAME_CLAIMS) {
            identity.attribute(claim).map(PersonKeys::normalize).filter(name -> !name.isEmpty()).ifPresent(keys::add);
            Optional.ofNullable(identity.names().get(claim)).map(PersonKeys::normalize)
                    .filter(name -> !name.isEmpty()).ifPresent(keys::add);
        }
        return new PersonKeys(keys);
    }

    /**
     * A person known by these names (a Unix-socket operator: its operator name, OS user name and
     * configured aliases). Blank names are left out; at least one must remain.
     */
    public static PersonKeys ofNames(Collection<String> names) {
        requireNonNull(names, "names is null");
        Set<String> keys = new TreeSet<>();
        for (String name : names) {
            if (name != null && !normalize(name).isEmpty()) {
                keys.add(normalize(name));
            }
        }
        return new PersonKeys(keys);
    }

    /** Whether these are the same person: some name of one is a name of the other. */
    public boolean samePerson(PersonKeys other) {
        requireNonNull(other, "other is null");
        for (String key : other.keys) {
            if (keys.contains(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A name as compared: NFKC, without invisible characters, controls and whitespace, case-folded.
     * A name made only of such characters normalizes to the empty string (equal to every other such).
     */
    public static String normalize(String name) {
        requireNonNull(name, "name is null");
        String folded = visibleOnly(Normalizer.normalize(name, Normalizer.Form.NFKC));
        // Upper then lower folds what lower alone does not (the German sharp s, the final sigma).
        folded = folded.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        folded = visibleOnly(Normalizer.normalize(folded, Normalizer.Form.NFKC));
        StringBuilder latin = new StringBuilder(folded.length());
        folded.codePoints().forEach(c -> {
            Character plain = LOOK_ALIKES.get(c);
            if (plain != null) {
                latin.append(plain.charValue());
            } else {
                latin.appendCodePoint(c);
            }
        });
        return latin.toString();
    }

    private static Map<Integer, Character> lookAlikes(String pairs) {
        Map<Integer, Character> map = new HashMap<>();
        for (String pair : pairs.trim().split(" ")) {
            map.put(pair.codePointAt(0), pair.charAt(pair.length() - 1));
        }
        return Map.copyOf(map);
    }

    /**
     * Whether {@code name} holds a character that cannot be seen or that changes how the rest is
     * shown: controls, format characters (zero-width, bidirectional), line and paragraph separators,
     * other default-ignorable code points, or whitespace at either end. Tokens whose subject has
     * one are refused ({@link TokenVerifier}): such a subject reads as someone else's in audit trails,
     * in the console and in policy rules.
     */
    public static boolean hasInvisible(String name) {
        requireNonNull(name, "name is null");
        if (name.isEmpty()) {
            return false;
        }
        if (Character.isWhitespace(name.codePointAt(0)) || Character.isSpaceChar(name.codePointAt(0))
                || Character.isWhitespace(name.codePointBefore(name.length()))
                || Character.isSpaceChar(name.codePointBefore(name.length()))) {
            return true;
        }
        return name.codePoints().anyMatch(c -> invisible(c) && !(c == ' '));
    }

    private static String visibleOnly(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().filter(c -> !invisible(c) && !Character.isWhitespace(c) && !Character.isSpaceChar(c))
                .forEach(out::appendCodePoint);
        return out.toString();
    }

    /** Controls, format characters, separators other than the plain space, and the other default ignorables. */
    private static boolean invisible(int c) {
        switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.UNASSIGNED, Character.PRIVATE_USE, Character.SURROGATE -> {
                return true;
            }
            case Character.SPACE_SEPARATOR -> {
                return c != ' ';
            }
            default -> {
                // Default_Ignorable_Code_Point outside the format category (Unicode DerivedCoreProperties).
                return c == 0x034F || c == 0x115F || c == 0x1160 || c == 0x17B4 || c == 0x17B5
                        || c >= 0x180B && c <= 0x180F || c == 0x3164 || c == 0xFFA0 || c == 0x2800
                        || c >= 0xFE00 && c <= 0xFE0F || c >= 0xE0000 && c <= 0xE0FFF;
            }
        }
    }
}
