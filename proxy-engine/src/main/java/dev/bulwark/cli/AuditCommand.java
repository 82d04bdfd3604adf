package dev.bulwark.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bulwark.model.SafeText;
import dev.bulwark.recording.AuditExporter;
import dev.bulwark.recording.AuditVerifier;
import dev.bulwark.recording.Recorder;
import dev.bulwark.store.AuditKeyFiles;
import dev.bulwark.store.ChainKey;
import dev.bulwark.store.JdbcStore;
import dev.bulwark.store.JournalVerifier;
import dev.bulwark.store.Micros;
import dev.bulwark.store.StoreConfig;
import dev.bulwark.store.StoreException;
import dev.bulwark.store.VerifyReport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bulwark audit verify|export}: checks and exports the audit store. Both work while the engine
 * runs (the embedded H2 store is opened through its AUTO_SERVER port) and never create or migrate a
 * store. Exit codes: 0 success, 1 the chain does not verify, 2 the store or key cannot be read or
 * the arguments are wrong.
 */
@Command(name = "audit",
        mixinStandardHelpOptions = true,
        description = "Verify and export the tamper-evident audit store.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
public final class AuditCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int BROKEN = 1;
    static final int UNUSABLE = 2;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return UNUSABLE;
    }

    /** Where the store is: a data directory, or the engine's configuration file (shared --data/--config options). */
    static final class StoreLocation {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @Option(names = "--data", paramLabel = "DIR", description = "The engine's data directory (embedded H2 store).")
            Path dataDir;

            @Option(names = "--config", paramLabel = "FILE",
                    description = "The engine's configuration file (uses its data_dir and store settings).")
            Path configFile;
        }

        record Resolved(Path dataDir, StoreConfig store) {}

        Resolved resolve() throws IOException {
            if (source.dataDir != null) {
                return new Resolved(source.dataDir, StoreConfig.defaults());
            }
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            JsonNode root = yaml.readTree(source.configFile.toFile());
            if (root == null || !root.isObject()) {
                throw new IOException(source.configFile + " is not a YAML mapping");
            }
            Path base = source.configFile.toAbsolutePath().getParent();
            Path dataDir = root.hasNonNull("data_dir") ? base.resolve(root.get("data_dir").asText()) : null;
            StoreConfig store;
            try {
                store = root.hasNonNull("store") ? yaml.treeToValue(root.get("store"), StoreConfig.class) : StoreConfig.defaults();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                Throwable cause = e.getCause() instanceof IllegalArgumentException invalid ? invalid : e;
                String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
                throw new IOException("invalid store section in " + source.configFile + ": " + message, e);
            }
            if (dataDir == null && store.dialect() == dev.bulwark.store.Dialect.H2) {
                throw new IOException(source.configFile + " has no data_dir");
            }
            return new Resolved(dataDir, store);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the audit chain record by record and name the first broken record.",
                    "Exits 0 when it verifies, 1 when it does not, 2 when it cannot be checked."})
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreLocation location;

        @Option(names = "--key", paramLabel = "FILE",
                description = "The seed key (default: <data>/audit.key; production: the auditors' copy).")
        Path keyFile;

        @Option(names = "--node", paramLabel = "ID", description = "The node whose chain to check (default: the configured node id).")
        String node;

        @Override
        public Integer call() {
            // A broken record is printed as stored: nothing in it may drive the auditor's terminal.
            PrintWriter out = new PrintWriter(SafeText.terminalGuard(spec.commandLine().getOut()), true);
            PrintWriter err = new PrintWriter(SafeText.terminalGuard(spec.commandLine().getErr()), true);
            StoreLocation.Resolved resolved;
            ChainKey seed;
            Integer stateEpoch = null;
            try {
                resolved = location.resolve();
                Path seedFile = keyFile != null ? keyFile
                        : resolved.dataDir() == null ? null : AuditKeyFiles.in(resolved.dataDir()).seedFile();
                if (seedFile == null) {
                    err.println("bulwark audit verify: give --key (the configuration has no data_dir)");
                    return UNUSABLE;
                }
                seed = AuditKeyFiles.readKeyFile(seedFile);
                if (seed.epoch() != 0) {
                    seed.destroy();
                    err.println("bulwark audit verify: " + seedFile + " is not the seed key (it is at epoch "
                            + seed.epoch() + "); verification needs the seed (audit.key)");
                    return UNUSABLE;
                }
                String nodeId = node != null ? node : resolved.store().nodeId();
                if (resolved.dataDir() != null && nodeId.equals(resolved.store().nodeId())) {
                    Optional<ChainKey> state = AuditKeyFiles.in(resolved.dataDir()).readState();
                    if (state.isPresent()) {
                        stateEpoch = state.get().epoch();
                        state.get().destroy();
                    }
                }
                node = nodeId;
            } catch (IOException | IllegalArgumentException e) {
                err.println("bulwark audit verify: " + e.getMessage());
                return UNUSABLE;
            }
            try (JdbcStore store = JdbcStore.openExisting(resolved.store(), resolved.dataDir())) {
                // Records the engine has journaled but not yet fed to the store are part of the chain too.
                JournalVerifier.Report journal = resolved.dataDir() == null || !node.equals(store.nodeId()) ? null
                        : JournalVerifier.verify(resolved.dataDir().resolve(Recorder.JOURNAL_DIRECTORY), node,
                                store.chainTail(node).orElse(null), seed);
                boolean pending = journal != null && journal.pending() > 0;
                VerifyReport report = AuditVerifier.verify(store, node, seed, pending ? null : stateEpoch);
                for (String note : report.notes()) {
                    out.println("note: " + note);
                }
                if (journal != null && journal.torn() != null) {
                    out.println("note: the journal ends in an unfinished batch (" + journal.torn()
                            + "): a crash while writing it; nothing in it was acknowledged");
                }
                if (report.ok() && journal != null && !journal.ok()) {
                    out.println("audit journal of node " + node + " is BROKEN: " + journal.failure().orElseThrow());
                    out.flush();
                    return BROKEN;
                }
                if (report.ok() && pending && stateEpoch != null && stateEpoch > journal.lastEpoch()) {
                    out.println("audit chain of node " + node + " is BROKEN: it ends in key epoch " + journal.lastEpoch()
                            + " but the engine's key has reached epoch " + stateEpoch + ": records at the end are missing");
                    out.flush();
                    return BROKEN;
                }
                if (report.ok() && pending) {
                    out.println("audit journal of node " + node + " verified: " + journal.pending()
                            + " records beyond the store, up to seq " + journal.lastSeq()
                            + " (the engine feeds them to the store; after a crash its next start replays them)");
                }
                List<String> others = store.chainNodes().stream().filter(other -> !other.equals(node)).toList();
                if (!others.isEmpty()) {
                    out.println("note: the store also holds the chains of " + String.join(", ", others)
                            + " (check each with --node ID --key <its seed>)");
                }
                if (report.ok()) {
                    out.println(report.records() == 0
                            ? "audit chain of node " + node + " is empty"
                            : "audit chain of node " + node + " verified: " + report.records() + " records (seq "
                                    + report.firstSeq() + ".." + report.lastSeq() + "), key epoch " + report.lastEpoch());
                    out.flush();
                    return OK;
                }
                VerifyReport.Failure failure = report.failure().orElseThrow();
                out.println("audit chain of node " + node + " is BROKEN at seq " + failure.seq()
                        + (failure.sessionId() == null ? "" : " (session " + failure.sessionId() + ", frame " + failure.frameNo() + ")"));
                out.println("  record: " + failure.record());
                out.println("  reason: " + failure.reason());
                out.println("  " + report.records() + " records before it verified");
                out.flush();
                return BROKEN;
            } catch (StoreException e) {
                err.println("bulwark audit verify: " + e.getMessage());
                return UNUSABLE;
            } catch (IOException e) {
                err.println("bulwark audit verify: the audit journal cannot be read: " + e.getMessage());
                return UNUSABLE;
            } finally {
                seed.destroy();
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write the audit trail as JSON lines (one per frame, with the session's identity; one per admin action)."})
    static final class Export implements Callable<Integer> {
        private static final Pattern RELATIVE = Pattern.compile("(\\d+)([smhd])");

        @Spec
        CommandSpec spec;

        @Mixin
        StoreLocation location;

        @Option(names = "--since", paramLabel = "T",
                description = "Only records at or after T: an ISO instant (2026-11-21T08:00:00Z), a date (UTC), or an age (90m, 24h, 7d).")
        String since;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl", description = "Output format: jsonl (the only one).")
        String format;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
        Path output;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            if (!"jsonl".equals(format)) {
                err.println("bulwark audit export: --format must be jsonl");
                return UNUSABLE;
            }
            long sinceMicros;
            StoreLocation.Resolved resolved;
            try {
                sinceMicros = since == null ? Long.MIN_VALUE : Micros.of(parseSince(since, Instant.now()));
                resolved = location.resolve();
            } catch (IOException | IllegalArgumentException e) {
                err.println("bulwark audit export: " + e.getMessage());
                return UNUSABLE;
            }
            try (JdbcStore store = JdbcStore.openExisting(resolved.store(), resolved.dataDir())) {
                long lines;
                if (output == null) {
                    Writer out = spec.commandLine().getOut();
                    lines = AuditExporter.exportJsonLines(store, sinceMicros, out);
                } else {
                    try (Writer file = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8))) {
                        lines = AuditExporter.exportJsonLines(store, sinceMicros, file);
                    }
                }
                err.println("exported " + lines + " records");
                return OK;
            } catch (StoreException | IOException e) {
                err.println("bulwark audit export: " + e.getMessage());
                return UNUSABLE;
            }
        }

        static Instant parseSince(String text, Instant now) {
            String value = text.trim().toLowerCase(Locale.ROOT);
            Matcher relative = RELATIVE.matcher(value);
            if (relative.matches()) {
                long amount = Long.parseLong(relative.group(1));
                Duration age = switch (relative.group(2)) {
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
                return now.minus(age);
            }
            try {
                return Instant.parse(text.trim());
            } catch (DateTimeParseException notInstant) {
                try {
                    return LocalDate.parse(text.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException notDate) {
                    throw new IllegalArgumentException("--since must be an ISO instant, a date or an age like 24h, not '" + text + "'");
                }
            }
        }
    }

    /** Runs the command on its own (tests, or before the lead registers it under {@code bulwark}). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new AuditCommand()).execute(args));
    }
}
