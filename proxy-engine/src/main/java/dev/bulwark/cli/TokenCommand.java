package dev.bulwark.cli;

import dev.bulwark.auth.LocalIssuer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bulwark token --sub alice --groups analysts --ttl 15m}: prints a fresh token from the demo's
 * local issuer on standard output, and nothing else, so {@code PGPASSWORD=$(bulwark token --sub alice)}
 * works. The issuer's key pair lives under {@code <data>/issuer/} (default data directory
 * {@value #DEFAULT_DATA_DIRECTORY}, relative to the working directory) and is created on first use.
 */
@Command(name = "token",
        mixinStandardHelpOptions = true,
        description = "Print a fresh token from the demo's local issuer.")
public final class TokenCommand implements Callable<Integer> {
    /** The demo's data directory, relative to the working directory. */
    public static final String DEFAULT_DATA_DIRECTORY = ".bulwark/demo";

    @Spec
    CommandSpec spec;

    @Option(names = "--sub", required = true, paramLabel = "NAME", description = "The token's subject.")
    String subject;

    @Option(names = "--groups", split = ",", paramLabel = "GROUP", description = "Groups, comma separated.")
    List<String> groups = new ArrayList<>();

    @Option(names = "--ttl", defaultValue = "15m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Lifetime: 90s, 15m, 2h, 1d or ISO-8601 (PT15M); at most 24h. Default: ${DEFAULT-VALUE}.")
    Duration ttl;

    @Option(names = "--audience", defaultValue = LocalIssuer.AUDIENCE, paramLabel = "AUDIENCE",
            description = "The token's aud. Default: ${DEFAULT-VALUE}.")
    String audience;

    @Option(names = "--claim", paramLabel = "NAME=VALUE",
            description = "An extra string claim (repeatable), e.g. department=finance.")
    Map<String, String> claims = new LinkedHashMap<>();

    @Option(names = "--data", defaultValue = DEFAULT_DATA_DIRECTORY, paramLabel = "DIR",
            description = "The data directory holding issuer/. Default: ${DEFAULT-VALUE}.")
    Path data;

    @Override
    public Integer call() {
        String token;
        try {
            token = LocalIssuer.open(data).mint(subject, groups, ttl, audience, claims);
        } catch (IllegalArgumentException invalid) {
            throw new CommandLine.ParameterException(spec.commandLine(), invalid.getMessage());
        }
        spec.commandLine().getOut().println(token);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d}, or ISO-8601 such as {@code PT15M}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([smhd])");

        @Override
        public Duration convert(String text) {
            Matcher match = SHORT.matcher(text.strip().toLowerCase(Locale.ROOT));
            if (match.matches()) {
                long amount = Long.parseLong(match.group(1));
                return switch (match.group(2)) {
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            try {
                return Duration.parse(text.strip());
            } catch (DateTimeParseException invalid) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a duration like 15m, 2h or PT15M");
            }
        }
    }
}
