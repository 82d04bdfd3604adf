package dev.bulwark.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Map.entry;

/**
 * The one owner of "which client_encoding can the engine read exactly". The engine reads statement
 * text as strict UTF-8 ({@link Wire#readText}); PostgreSQL reads it in the session's client_encoding.
 * Both agree only when the server does not convert (UTF8), or when it does not convert and still
 * verifies the bytes in the database encoding (SQL_ASCII, see {@code pg_any_to_server}): every
 * database encoding PostgreSQL allows is ASCII-safe (no byte of a multibyte character is below
 * 0x80), and strict UTF-8 never turns a byte at or above 0x80 into an ASCII character, so every
 * quote, backslash, semicolon and keyword sits at the same place for both. Every other client
 * encoding is refused: the client-only ones (SJIS, SHIFT_JIS_2004, BIG5, GBK, UHC, GB18030, JOHAB)
 * have multibyte characters whose trailing byte is in the ASCII range ({@code 0x95 0x5C} is one
 * SJIS character but an invalid byte and a backslash in UTF-8); the ASCII-safe ones (LATIN1,
 * EUC_JP ...) would need the engine to decode with another charset everywhere it reads text,
 * which it does not.
 *
 * <p>Names are compared as PostgreSQL does ({@code clean_encoding_name} in {@code encnames.c}):
 * case-insensitive, every non-alphanumeric character ignored, with its aliases (UNICODE, ShiftJIS,
 * WIN932, MSKANJI ...).
 */
public final class ClientEncoding {
    /** PostgreSQL's name table: cleaned alias to canonical name (src/common/encnames.c, pg_encname_tbl). */
    private static final Map<String, String> NAMES = Map.ofEntries(
            entry("abc", "WIN1258"), entry("alt", "WIN866"), entry("big5", "BIG5"), entry("euccn", "EUC_CN"),
            entry("eucjis2004", "EUC_JIS_2004"), entry("eucjp", "EUC_JP"), entry("euckr", "EUC_KR"),
            entry("euctw", "EUC_TW"), entry("gb18030", "GB18030"), entry("gbk", "GBK"),
            entry("iso88591", "LATIN1"), entry("iso885910", "LATIN6"), entry("iso885913", "LATIN7"),
            entry("iso885914", "LATIN8"), entry("iso885915", "LATIN9"), entry("iso885916", "LATIN10"),
            entry("iso88592", "LATIN2"), entry("iso88593", "LATIN3"), entry("iso88594", "LATIN4"),
            entry("iso88595", "ISO_8859_5"), entry("iso88596", "ISO_8859_6"), entry("iso88597", "ISO_8859_7"),
            entry("iso88598", "ISO_8859_8"), entry("iso88599", "LATIN5"), entry("johab", "JOHAB"),
            entry("koi8", "KOI8R"), entry("koi8r", "KOI8R"), entry("koi8u", "KOI8U"),
            entry("latin1", "LATIN1"), entry("latin10", "LATIN10"), entry("latin2", "LATIN2"),
            entry("latin3", "LATIN3"), entry("latin4", "LATIN4"), entry("latin5", "LATIN5"),
            entry("latin6", "LATIN6"), entry("latin7", "LATIN7"), entry("latin8", "LATIN8"),
            entry("latin9", "LATIN9"), entry("mskanji", "SJIS"), entry("muleinternal", "MULE_INTERNAL"),
            entry("shiftjis", "SJIS"), entry("shiftjis2004", "SHIFT_JIS_2004"), entry("sjis", "SJIS"),
            entry("sqlascii", "SQL_ASCII"), entry("tcvn", "WIN1258"), entry("tcvn5712", "WIN1258"),
            entry("uhc", "UHC"), entry("unicode", "UTF8"), entry("utf8", "UTF8"), entry("vscii", "WIN1258"),
            entry("win", "WIN1251"), entry("win1250", "WIN1250"), entry("win1251", "WIN1251"),
            entry("win1252", "WIN1252"), entry("win1253", "WIN1253"), entry("win1254", "WIN1254"),
            entry("win1255", "WIN1255"), entry("win1256", "WIN1256"), entry("win1257", "WIN1257"),
            entry("win1258", "WIN1258"), entry("win866", "WIN866"), entry("win874", "WIN874"),
            entry("win932", "SJIS"), entry("win936", "GBK"), entry("win949", "UHC"), entry("win950", "BIG5"),
            entry("windows1250", "WIN1250"), entry("windows1251", "WIN1251"), entry("windows1252", "WIN1252"),
            entry("windows1253", "WIN1253"), entry("windows1254", "WIN1254"), entry("windows1255", "WIN1255"),
            entry("windows1256", "WIN1256"), entry("windows1257", "WIN1257"), entry("windows1258", "WIN1258"),
            entry("windows866", "WIN866"), entry("windows874", "WIN874"), entry("windows932", "SJIS"),
            entry("windows936", "GBK"), entry("windows949", "UHC"), entry("windows950", "BIG5"));

    /** The client encodings the engine reads exactly (see the class comment). */
    private static final List<String> EXACT = List.of("UTF8", "SQL_ASCII");

    private ClientEncoding() {}

    /** What the engine makes of a client_encoding value. */
    public sealed interface Reading {
        /** The engine reads text in this encoding exactly as the server does. */
        record Exact(String canonical) implements Reading {}

        /** A real encoding the engine does not read exactly. */
        record Unsupported(String canonical) implements Reading {}

        /** Not an encoding PostgreSQL knows (it would refuse it too). */
        record Unknown(String written) implements Reading {}
    }

    /** PostgreSQL's comparison form: ASCII letters lower-cased, everything but letters and digits dropped. */
    static String clean(String name) {
        StringBuilder cleaned = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                cleaned.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                cleaned.append((char) (c + ('a' - 'A')));
            }
        }
        return cleaned.toString();
    }

    public static Reading read(String value) {
        String canonical = NAMES.get(clean(value));
        if (canonical == null) {
            return new Reading.Unknown(value);
        }
        return EXACT.contains(canonical) ? new Reading.Exact(canonical) : new Reading.Unsupported(canonical);
    }

    public static boolean readsExactly(String value) {
        return read(value) instanceof Reading.Exact;
    }

    /** Why a value is refused, or empty when the engine reads it exactly. Names no secret. */
    public static Optional<String> refusal(String value) {
        return switch (read(value)) {
            case Reading.Exact exact -> Optional.empty();
            case Reading.Unsupported unsupported -> Optional.of("client_encoding " + unsupported.canonical()
                    + " is not supported through the gateway: Bulwark reads statements as UTF-8 and would read"
                    + " this encoding differently from the server; use UTF8");
            case Reading.Unknown unknown -> Optional.of("invalid value for parameter \"client_encoding\": \""
                    + printable(unknown.written()) + "\"");
        };
    }

    /** The SQLSTATE of a refusal: 22023 for a name PostgreSQL does not know either, 0A000 for a real encoding. */
    public static String refusalSqlState(String value) {
        return read(value) instanceof Reading.Unknown ? SqlState.INVALID_PARAMETER_VALUE : SqlState.FEATURE_NOT_SUPPORTED;
    }

    /** True for a setting name that PostgreSQL resolves to client_encoding (GUC names ignore case; '-' is '_' in long options). */
    public static boolean isClientEncodingSetting(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replace('-', '_').equals("client_encoding");
    }

    /**
     * Every client_encoding value the startup {@code options} parameter sets. PostgreSQL splits it
     * at unescaped whitespace, a backslash taking the next character literally ({@code pg_split_opts}),
     * then reads the words as the server's command-line switches with getopt, where {@code -c name=value},
     * {@code -cname=value} and {@code --name=value} set a setting (and switches without argument may
     * be grouped before the {@code c}: {@code -Ec name=value}).
     *
     * @throws ProtocolException when a switch's argument is missing: the server would refuse it too
     */
    public static List<String> fromOptions(String options) {
        List<String> words = splitOptions(options);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.length() < 2 || word.charAt(0) != '-') {
                continue;
            }
            for (int at = 1; at < word.length(); at++) {
                char flag = word.charAt(at);
                int spec = SWITCHES.indexOf(flag);
                if (flag == ':' || spec < 0) {
                    break; // getopt stops at an unknown switch; the server refuses the options then
                }
                boolean takesArgument = spec + 1 < SWITCHES.length() && SWITCHES.charAt(spec + 1) == ':';
                if (!takesArgument) {
                    continue;
                }
                String argument;
                if (at + 1 < word.length()) {
                    argument = word.substring(at + 1);
                } else if (i + 1 < words.size()) {
                    argument = words.get(++i);
                } else {
                    throw ProtocolException.violation("option -" + flag + " in the options parameter needs a value");
                }
                if (flag == 'c' || flag == '-') {
                    int eq = argument.indexOf('=');
                    if (eq > 0 && isClientEncodingSetting(argument.substring(0, eq))) {
                        values.add(argument.substring(eq + 1));
                    }
                }
                break;
            }
        }
        // A safety net for forms getopt emulation might miss: any word naming the setting counts.
        for (String word : words) {
            String lower = word.toLowerCase(Locale.ROOT).replace('-', '_');
            int at = lower.indexOf("client_encoding=");
            if (at >= 0) {
                String value = word.substring(at + "client_encoding=".length());
                if (!values.contains(value)) {
                    values.add(value);
                }
            }
        }
        return values;
    }

    /** The postgres switches and whether they take an argument (PostgresMain's getopt string). */
    private static final String SWITCHES = "B:bC:c:D:d:EeFf:h:ijk:lN:nOPp:r:S:sTt:v:W:-:";

    /** {@code pg_split_opts}: words at unescaped whitespace; a backslash makes the next character literal. */
    static List<String> splitOptions(String options) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = options.length();
        while (i < n) {
            while (i < n && isSpace(options.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            StringBuilder word = new StringBuilder();
            while (i < n && !isSpace(options.charAt(i))) {
                char c = options.charAt(i);
                if (c == '\\' && i + 1 < n) {
                    word.append(options.charAt(i + 1));
                    i += 2;
                } else {
                    word.append(c);
                    i++;
                }
            }
            words.add(word.toString());
        }
        return words;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    private static String printable(String value) {
        String cut = value.length() > 63 ? value.substring(0, 63) + "..." : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
