package dev.bulwark.policy;

import dev.bulwark.protocol.ClientEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The few run-time settings that change how Bulwark must read later statements or who the session is,
 * for both {@code SET name ...} and {@code set_config('name', ...)}.
 */
final class Settings {

    private static final Set<String> ROLE_SETTINGS = Set.of("role", "session_authorization");
    /**
     * Settings (superuser-only, but the upstream login may be one) that switch off triggers and foreign
     * keys, load libraries, damage data or silence the server's own logging: server administration.
     */
    private static final Set<String> ADMIN_SETTINGS = Set.of("session_replication_role", "allow_system_table_mods",
            "zero_damaged_pages", "ignore_system_indexes", "ignore_checksum_failure", "ignore_invalid_pages",
            "lo_compat_privileges", "session_preload_libraries", "local_preload_libraries", "jit_provider");

    private Settings() {
    }

    /**
     * The operation a setting change is.
     *
     * @param setting the setting's name as written
     * @param values the new value's items (several for a list such as search_path), or null when the
     *        value is an expression Bulwark cannot evaluate
     * @param plainVerb the verb for an ordinary setting
     * @param detail the operation's detail
     */
    static Operation check(String setting, List<String> values, Verb plainVerb, String detail) {
        String name = normalizeName(setting);
        if (ROLE_SETTINGS.contains(name)) {
            return new Operation(Verb.SET_ROLE, List.of(), false, detail);
        }
        if (ADMIN_SETTINGS.contains(name) || name.startsWith("log_") || name.startsWith("debug_")
                || name.startsWith("trace_")) {
            return new Operation(Verb.SERVER_ADMIN, List.of(), false, name);
        }
        if (ClientEncoding.isClientEncodingSetting(name)) {
            // Bulwark reads the text as UTF-8; in another client encoding (SJIS, BIG5 ...) a multibyte
            // character may end in a quote or backslash byte, so the server would split it differently.
            // ClientEncoding owns which encodings are read exactly. DEFAULT (and RESET) go back to the
            // value the session started with, which the engine checked; the server's client_encoding
            // ParameterStatus is checked after every change anyway.
            if (values == null || values.size() != 1) {
                return new Operation(Verb.UNREADABLE_CLIENT_ENCODING, List.of(), false,
                        "client_encoding set to something Bulwark cannot read as one encoding name");
            }
            String value = values.get(0);
            if (!value.equalsIgnoreCase("default")) {
                Optional<String> refusal = ClientEncoding.refusal(value);
                if (refusal.isPresent()) {
                    return new Operation(Verb.UNREADABLE_CLIENT_ENCODING, List.of(), false, refusal.get());
                }
            }
        }
        if (name.equals("search_path")) {
            // pg_catalog is searched first unless the path names it later; then a user function could
            // shadow a built-in the catalog vouches for.
            if (values == null) {
                return Operation.unknown("search_path set to an expression");
            }
            for (int i = 1; i < values.size(); i++) {
                if (values.get(i).equals("pg_catalog")) {
                    return Operation.unknown("a search_path that puts pg_catalog after other schemas lets user"
                            + " functions shadow built-in ones");
                }
            }
        }
        return new Operation(plainVerb, List.of(), false, detail);
    }

    /**
     * A setting's name as the server looks it up: case-insensitive in ASCII (guc_name_compare), whether it
     * was written quoted, unquoted or in a set_config string. Surrounding spaces are dropped too, which
     * the server does not do (it rejects {@code ' role'}): reading such a name as the setting is safe.
     */
    static String normalizeName(String setting) {
        return SqlLexer.asciiLowerCase(setting.strip());
    }

    /** Splits a list value written as one string ({@code 'public, "My Schema"'}) into normalised items. */
    static List<String> splitList(String text) {
        List<String> items = new ArrayList<>();
        SqlLexer.Result lexed = SqlLexer.lex(text);
        if (lexed.error().isPresent()) {
            items.add(text.trim());
            return items;
        }
        for (SqlLexer.Token token : lexed.tokens()) {
            if (token.isName() || token.type() == SqlLexer.TokenType.STRING) {
                items.add(token.value());
            }
        }
        return items;
    }
}
