package dev.bulwark.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where an engine's time and allocations went in one window of a JFR recording: CPU samples by
 * thread, by top frame and inclusively (engine and Netty handler methods), and allocation samples
 * by class and the first engine frame that asked. The window is one run's instants as
 * {@code bench/run masking} prints them. Run with {@code bench/run jfr FILE FROM TO}.
 */
public final class JfrSummary {
    private JfrSummary() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: JfrSummary FILE.jfr FROM_INSTANT TO_INSTANT");
            System.exit(2);
        }
        Instant from = Instant.parse(args[1]);
        Instant to = Instant.parse(args[2]);
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> allocations = new HashMap<>();
        long samples = 0;
        long allocated = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace() == null ? List.of() : event.getStackTrace().getFrames();
            switch (event.getEventType().getName()) {
                case "jdk.ExecutionSample" -> {
                    samples++;
                    RecordedThread thread = event.getThread("sampledThread");
                    threads.merge(thread == null ? "?" : thread.getJavaName(), 1L, Long::sum);
                    if (!frames.isEmpty()) {
                        self.merge(name(frames.get(0)), 1L, Long::sum);
                    }
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame frame : frames) {
                        String name = name(frame);
                        if ((name.startsWith("dev.bulwark") || name.startsWith("io.netty.handler")) && seen.add(name)) {
                            inclusive.merge(name, 1L, Long::sum);
                        }
                    }
                }
                case "jdk.ObjectAllocationSample" -> {
                    long weight = event.getLong("weight");
                    allocated += weight;
                    String site = frames.stream().filter(f -> f.getMethod().getType().getName().startsWith("dev.bulwark"))
                            .findFirst().map(JfrSummary::name).orElse("?");
                    allocations.merge(event.getClass("objectClass").getName() + " @ " + site, weight, Long::sum);
                }
                default -> { }
            }
        }
        System.out.printf("CPU samples: %d (each ~10-20 ms of one thread on CPU, per the recording's settings)%n", samples);
        print("threads", threads, samples, 8, false);
        print("top frame", self, samples, 20, false);
        print("inclusive, engine and Netty handlers", inclusive, samples, 30, false);
        System.out.printf("%nallocated (sampled estimate): %,d MB%n", allocated >> 20);
        print("allocations by class @ first engine frame", allocations, allocated, 15, true);
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static void print(String title, Map<String, Long> counts, long total, int limit, boolean megabytes) {
        System.out.println("== " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> System.out.printf("%8s %5.1f%%  %s%n", megabytes ? (e.getValue() >> 20) + " MB" : e.getValue(),
                        100.0 * e.getValue() / Math.max(1, total), e.getKey()));
    }
}
