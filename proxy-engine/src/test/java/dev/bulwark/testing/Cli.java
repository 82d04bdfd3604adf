package dev.bulwark.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs real client binaries (psql, pgbench) with a bounded time and output. */
public final class Cli {
    private Cli() {}

    public record Result(int exitCode, String stdout, String stderr) {}

    public static Optional<Path> find(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static Result run(Map<String, String> env, String stdin, long timeoutSeconds, String... command) throws IOException, InterruptedException {
        return run(env, stdin, timeoutSeconds, List.of(command));
    }

    public static Result run(Map<String, String> env, String stdin, long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("bulwark-cli", ".out");
        Path err = Files.createTempFile("bulwark-cli", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
            pb.environment().putAll(env);
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(command.get(0) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > 8 * 1024 * 1024) {
            throw new IllegalStateException("client wrote more than 8 MiB");
        }
        return Files.readString(file);
    }
}
