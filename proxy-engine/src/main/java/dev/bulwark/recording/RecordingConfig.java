package dev.bulwark.recording;

import dev.bulwark.store.RetentionPolicy;

/**
 * Recorder settings (YAML section {@code recording:}); every key is optional.
 *
 * <pre>
 * recording:
 *   queue_capacity: 10000          # frames queued before ASYNC sessions feel backpressure
 *   batch_size: 500                # frames per transaction at most
 *   max_result_rows: 100           # result rows kept per statement (the true count is always kept)
 *   max_result_bytes: 65536        # result bytes kept per statement
 *   max_statement_chars: 1048576   # statement text kept (longer text is cut and marked truncated)
 *   max_parameter_chars: 4096      # each bind parameter kept
 *   key_roll_records: 1000         # chain key rolls forward after this many records (and at every start)
 *   retention_days: 0              # delete sessions that ended longer ago (0: keep forever)
 *   retention_max_megabytes: 0     # delete oldest sessions above this payload size (0: no limit)
 *   retention_check_minutes: 60    # how often retention runs
 *   enabled: true                  # false: sessions are not recorded at all (admin actions and rule
 *                                  # changes still are); for measuring what recording costs, not for production
 * </pre>
 */
public record RecordingConfig(
        Integer queueCapacity,
        Integer batchSize,
        Integer maxResultRows,
        Integer maxResultBytes,
        Integer maxStatementChars,
        Integer maxParameterChars,
        Integer keyRollRecords,
        Integer retentionDays,
        Integer retentionMaxMegabytes,
        Integer retentionCheckMinutes,
        Boolean enabled) {

    public RecordingConfig {
        queueCapacity = positive("queue_capacity", queueCapacity, 10_000);
        batchSize = positive("batch_size", batchSize, 500);
        maxResultRows = atLeast("max_result_rows", maxResultRows, 100, 0);
        maxResultBytes = atLeast("max_result_bytes", maxResultBytes, 65_536, 0);
        maxStatementChars = positive("max_statement_chars", maxStatementChars, 1_048_576);
        maxParameterChars = positive("max_parameter_chars", maxParameterChars, 4_096);
        keyRollRecords = atLeast("key_roll_records", keyRollRecords, 1_000, 2);
        retentionDays = atLeast("retention_days", retentionDays, 0, 0);
        retentionMaxMegabytes = atLeast("retention_max_megabytes", retentionMaxMegabytes, 0, 0);
        retentionCheckMinutes = positive("retention_check_minutes", retentionCheckMinutes, 60);
        enabled = enabled == null || enabled;
    }

    /** Session recording on (the default). */
    public RecordingConfig(Integer queueCapacity, Integer batchSize, Integer maxResultRows, Integer maxResultBytes,
                           Integer maxStatementChars, Integer maxParameterChars, Integer keyRollRecords, Integer retentionDays,
                           Integer retentionMaxMegabytes, Integer retentionCheckMinutes) {
        this(queueCapacity, batchSize, maxResultRows, maxResultBytes, maxStatementChars, maxParameterChars, keyRollRecords,
                retentionDays, retentionMaxMegabytes, retentionCheckMinutes, true);
    }

    public static RecordingConfig defaults() {
        return new RecordingConfig(null, null, null, null, null, null, null, null, null, null, null);
    }

    public RetentionPolicy retentionPolicy() {
        return new RetentionPolicy(retentionDays * 86_400_000_000L, retentionMaxMegabytes * 1_048_576L);
    }

    RecordingConfig withQueueCapacity(int capacity) {
        return new RecordingConfig(capacity, batchSize, maxResultRows, maxResultBytes, maxStatementChars,
                maxParameterChars, keyRollRecords, retentionDays, retentionMaxMegabytes, retentionCheckMinutes, enabled);
    }

    private static int positive(String key, Integer value, int fallback) {
        return atLeast(key, value, fallback, 1);
    }

    private static int atLeast(String key, Integer value, int fallback, int minimum) {
        int result = value == null ? fallback : value;
        if (result < minimum) {
            throw new IllegalArgumentException("recording." + key + " must be at least " + minimum);
        }
        return result;
    }
}
