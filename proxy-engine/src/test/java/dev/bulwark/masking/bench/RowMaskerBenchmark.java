package dev.bulwark.masking.bench;

import dev.bulwark.auth.Identity;
import dev.bulwark.masking.CatalogColumn;
import dev.bulwark.masking.CatalogSnapshot;
import dev.bulwark.masking.CatalogTable;
import dev.bulwark.masking.ColumnName;
import dev.bulwark.masking.ColumnSource;
import dev.bulwark.masking.MaskingConfig;
import dev.bulwark.masking.MaskingPolicy;
import dev.bulwark.masking.ResultColumn;
import dev.bulwark.masking.RowMasker;
import dev.bulwark.masking.SessionMasking;
import dev.bulwark.masking.TableName;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Throughput of {@link RowMasker#apply} on a 6-column DataRow with the demo rules, as alice:
 * <ul>
 *   <li>{@code noRulesApply}: the masker is NONE (the engine would not even call it);</li>
 *   <li>{@code nothingToMask}: two computed columns under detectors hold ordinary text, four table
 *       columns have no rule: the same buffer comes back, nothing is allocated;</li>
 *   <li>{@code twoMaskedColumns}: email (partial, keep domain) and card_number (keep last 4) are
 *       masked: a new DataRow is built from the pooled allocator (and released).</li>
 * </ul>
 * Run: {@code java -cp <test classpath> dev.bulwark.masking.bench.RowMaskerBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RowMaskerBenchmark {

    private static final int CUSTOMERS = 16385;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private RowMasker none;
    private RowMasker detectors;
    private RowMasker masking;
    private ByteBuf cleanRow;
    private ByteBuf sensitiveRow;

    @Setup
    public void setUp() {
        MaskingPolicy policy = MaskingPolicy.compile(MaskingConfig.demo(), "benchmark key, 32 bytes long....".getBytes(UTF_8));
        Identity alice = new Identity("alice", Set.of("analysts"), "https://issuer", "", Instant.parse("2099-01-01T00:00:00Z"),
                Map.of());
        SessionMasking session = policy.forSession(alice, "demo");
        List<CatalogColumn> columns = new ArrayList<>();
        String[] names = {"id", "full_name", "email", "phone", "card_number", "ssn", "city", "created_at"};
        for (int i = 0; i < names.length; i++) {
            columns.add(new CatalogColumn(i + 1, names[i], 25, 25, -1, false,
                    new ColumnSource.Base(new ColumnName(new TableName("public", "customers"), names[i]))));
        }
        CatalogSnapshot catalog = new CatalogSnapshot(Map.of(CUSTOMERS,
                new CatalogTable(CUSTOMERS, new TableName("public", "customers"), 'r', columns)));

        none = session.rowMasker(List.of(column("id", 1), column("full_name", 2), column("city", 7),
                column("created_at", 8), column("id", 1), column("city", 7)), catalog);
        detectors = session.rowMasker(List.of(column("id", 1), column("full_name", 2), column("city", 7),
                column("created_at", 8), computed("note"), computed("label")), catalog);
        masking = session.rowMasker(List.of(column("id", 1), column("full_name", 2), column("email", 3),
                column("card_number", 5), column("city", 7), column("created_at", 8)), catalog);
        cleanRow = row("12345", "Alice Liddell", "Paris", "2024-01-31 12:00:00+00", "delivered on time, thanks",
                "order 2024-01-31 / gift");
        sensitiveRow = row("12345", "Alice Liddell", "alice@example.com", "4111111111111111", "Paris",
                "2024-01-31 12:00:00+00");
    }

    @TearDown
    public void tearDown() {
        cleanRow.release();
        sensitiveRow.release();
    }

    @Benchmark
    public ByteBuf noRulesApply() {
        return none.apply(cleanRow, alloc);
    }

    @Benchmark
    public ByteBuf nothingToMask() {
        return detectors.apply(cleanRow, alloc);
    }

    @Benchmark
    public int twoMaskedColumns() {
        ByteBuf out = masking.apply(sensitiveRow, alloc);
        int size = out.readableBytes();
        out.release();
        return size;
    }

    private static ResultColumn column(String name, int attnum) {
        return new ResultColumn(name, CUSTOMERS, attnum, 25, -1, -1, ResultColumn.TEXT);
    }

    private static ResultColumn computed(String name) {
        return new ResultColumn(name, 0, 0, 25, -1, -1, ResultColumn.TEXT);
    }

    private static ByteBuf row(String... values) {
        ByteBuf row = Unpooled.directBuffer();
        row.writeByte('D').writeInt(0).writeShort(values.length);
        for (String value : values) {
            byte[] bytes = value.getBytes(UTF_8);
            row.writeInt(bytes.length).writeBytes(bytes);
        }
        row.setInt(1, row.readableBytes() - 1);
        return row;
    }

    /** Extra JMH options may be given, e.g. {@code -prof gc} to see the bytes allocated per row. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(RowMaskerBenchmark.class.getName() + ".*").build()).run();
    }
}
