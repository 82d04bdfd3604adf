package dev.bulwark.masking;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The masking section of the configuration (YAML keys in snake_case).
 *
 * @param rules the rules, in order (for one column the first matching rule wins)
 * @param maxScanBytes values longer than this are not scanned by detectors but redacted whole
 *     (fail closed); default 8 MiB
 * @param maxCopyLineBytes a COPY line longer than this ends the COPY with an error; default 16 MiB
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MaskingConfig(List<MaskingRule> rules, Integer maxScanBytes, Integer maxCopyLineBytes) {

    public static final int DEFAULT_MAX_SCAN_BYTES = 8 << 20;
    public static final int DEFAULT_MAX_COPY_LINE_BYTES = 16 << 20;
    public static final String DEMO_RESOURCE = "/dev/bulwark/masking/demo-masking.yaml";

    public static final MaskingConfig EMPTY = new MaskingConfig(List.of(), null, null);

    public MaskingConfig {
        rules = MaskingRule.copy(rules, "rules");
        maxScanBytes = maxScanBytes == null ? DEFAULT_MAX_SCAN_BYTES : maxScanBytes;
        maxCopyLineBytes = maxCopyLineBytes == null ? DEFAULT_MAX_COPY_LINE_BYTES : maxCopyLineBytes;
        if (maxScanBytes < 1024) {
            throw new IllegalArgumentException("max_scan_bytes must be at least 1024");
        }
        if (maxCopyLineBytes < 1024) {
            throw new IllegalArgumentException("max_copy_line_bytes must be at least 1024");
        }
    }

    /** Reads a masking YAML document (top-level keys rules, max_scan_bytes, max_copy_line_bytes). May block (I/O). */
    public static MaskingConfig read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    public static MaskingConfig read(InputStream in) throws IOException {
        return mapper().readValue(in, MaskingConfig.class);
    }

    /** The demo rules shipped in the jar. */
    public static MaskingConfig demo() {
        try (InputStream in = MaskingConfig.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEMO_RESOURCE);
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectMapper mapper() {
        return new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
