package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Pins the wire format: every record of every sealed hierarchy has a golden file under
 * {@code src/test/resources/golden}, named {@code <hierarchy>.<type name>.json}. A sample serializes
 * to exactly the file's JSON, and the file parses back to the sample.
 *
 * <p>To accept a deliberate format change, run with {@code -Dgolden.update=true} (it rewrites the
 * files from the samples) and review the diff.
 */
class GoldenJsonTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final ObjectMapper JSON = ManagementJson.mapper();
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    private record Hierarchy(String prefix, Class<?> root, Map<Class<?>, ?> samples) {}

    private static List<Hierarchy> hierarchies() {
        return List.of(
                new Hierarchy("client", ClientMessage.class, Samples.clientMessages()),
                new Hierarchy("engine", EngineMessage.class, Samples.engineMessages()),
                new Hierarchy("event", Event.class, Samples.events()),
                new Hierarchy("frame", FramePayload.class, Samples.framePayloads()));
    }

    @TestFactory
    Stream<DynamicTest> everySampleMatchesItsGoldenFile() {
        return hierarchies().stream().flatMap(hierarchy -> hierarchy.samples().entrySet().stream()
                .map(entry -> DynamicTest.dynamicTest(hierarchy.prefix() + " " + entry.getKey().getSimpleName(),
                        () -> checkGolden(hierarchy, entry.getKey(), entry.getValue()))));
    }

    private static void checkGolden(Hierarchy hierarchy, Class<?> type, Object sample) throws IOException {
        Path file = GOLDEN.resolve(hierarchy.prefix() + "." + typeName(hierarchy.root(), type) + ".json");
        if (UPDATE) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(sample) + "\n");
        }
        assertTrue(Files.exists(file), "no golden file " + file);
        String golden = Files.readString(file, StandardCharsets.UTF_8);
        // Serialize: the same fields, in the same order, with the same values.
        assertEquals(JSON.writeValueAsString(JSON.readTree(golden)), JSON.writeValueAsString(sample),
                "serialized " + type.getSimpleName() + " differs from " + file);
        // Parse: the file reads back to an equal record, through the hierarchy's root type.
        assertEquals(sample, JSON.readValue(golden, hierarchy.root()), "parsed " + file);
    }

    @Test
    void everyRecordOfEverySealedHierarchyHasASampleAndATypeName() {
        for (Hierarchy hierarchy : hierarchies()) {
            Set<Class<?>> records = concreteSubtypes(hierarchy.root());
            assertEquals(names(records), names(hierarchy.samples().keySet()),
                    "samples of " + hierarchy.root().getSimpleName());
            Set<Class<?>> listed = new HashSet<>();
            for (JsonSubTypes.Type type : hierarchy.root().getAnnotation(JsonSubTypes.class).value()) {
                listed.add(type.value());
            }
            assertEquals(names(records), names(listed), "@JsonSubTypes of " + hierarchy.root().getSimpleName());
        }
    }

    @Test
    void everyGoldenFileBelongsToARecord() throws IOException {
        Set<String> expected = new TreeSet<>();
        for (Hierarchy hierarchy : hierarchies()) {
            for (Class<?> type : concreteSubtypes(hierarchy.root())) {
                expected.add(hierarchy.prefix() + "." + typeName(hierarchy.root(), type) + ".json");
            }
        }
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(GOLDEN)) {
            files.forEach(file -> present.add(file.getFileName().toString()));
        }
        assertEquals(expected, present);
    }

    @Test
    void typeNamesAreUniqueWithinAHierarchy() {
        for (Hierarchy hierarchy : hierarchies()) {
            List<String> names = new ArrayList<>();
            for (JsonSubTypes.Type type : hierarchy.root().getAnnotation(JsonSubTypes.class).value()) {
                names.add(type.name());
            }
            assertEquals(names.size(), new HashSet<>(names).size(), "duplicate names in " + names);
        }
    }

    static Set<Class<?>> concreteSubtypes(Class<?> root) {
        Set<Class<?>> found = new HashSet<>();
        if (!root.isSealed()) {
            fail(root + " is not sealed");
        }
        for (Class<?> permitted : root.getPermittedSubclasses()) {
            if (permitted.isSealed()) {
                found.addAll(concreteSubtypes(permitted));
            } else {
                assertTrue(permitted.isRecord(), permitted + " is not a record");
                found.add(permitted);
            }
        }
        return found;
    }

    static String typeName(Class<?> root, Class<?> type) {
        return Arrays.stream(root.getAnnotation(JsonSubTypes.class).value())
                .filter(candidate -> candidate.value().equals(type))
                .map(JsonSubTypes.Type::name)
                .findFirst()
                .orElseThrow(() -> new AssertionError(type + " is not in @JsonSubTypes of " + root));
    }

    private static Set<String> names(Set<Class<?>> classes) {
        Set<String> names = new TreeSet<>();
        classes.forEach(type -> names.add(type.getName()));
        return names;
    }
}
