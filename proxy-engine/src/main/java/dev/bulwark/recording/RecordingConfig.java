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
 *   retention_max_megabytes: 4096  # delete the oldest sessions above this payload size (0: no limit); on by
 *                                  # default so that a busy engine cannot fill its disk (each cut is a chained
 *                                  # retention_cut record and a warning in the log)
 *   retention_check_minutes: 10    # how often retention runs
 *   enabled: true                  # false: sessions are not recorded at all (admin actions and rule
 *                                  # changes still are); for measuring what recording costs, not for production
 *   journal: true                  # records go to a local journal (data_dir/journal) first, the store is fed
 *                                  # from it in the background; false: each batch is committed to the store
 *                                  # before a STRICT statement goes on (slower, no local files)
 *   journal_fsync: false           # true: every journal write is forced to disk (survives power loss);
 *                                  # false: handed to the OS (survives a crash of the engine, kill -9)
 *   journal_segment_megabytes: 64  # journal segment size; segments the store holds are deleted
 *   journal_max_megabytes: 1024    # while the store is down the journal grows; past this STRICT targets refuse
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
        Boolean enabled,
        Boolean journal,
        Boolean journalFsync,
        Integer journalSegmentMegabytes,
        Integer journalMaxMegabytes) {

    public RecordingConfig {
        queueCapacity = positive("queue_capacity", queueCapacity, 10_000);
        batchSize = positive("batch_size", batchSize, 500);
        maxResultRows = atLeast("max_result_rows", maxResultRows, 100, 0);
        maxResultBytes = atLeast("max_result_bytes", maxResultBytes, 65_536, 0);
        maxStatementChars = positive("max_statement_chars", maxStatementChars, 1_048_576);
        maxParameterChars = positive("max_parameter_chars", maxParameterChars, 4_096);
        keyRollRecords = atLeast("key_roll_records", keyRollRecords, 1_000, 2);
        retentionDays = atLeast("retention_days", retentionDays, 0, 0);
        retentionMaxMegabytes = atLeast("retention_max_megabytes", retentionMaxMegabytes, 4_096, 0);
        retentionCheckMinutes = positive("retention_check_minutes", retentionCheckMinutes, 10);
        enabled = enabled == null || enabled;
        journal = journal == null || journal;
        journalFsync = journalFsync != null && journalFsync;
        journalSegmentMegabytes = positive("journal_segment_megabytes", journalSegmentMegabytes, 64);
        journalMaxMegabytes = positive("journal_max_megabytes", journalMaxMegabytes, 1024);
    }

    /** Every setting but the journal's (which take their defaults). */
    public RecordingConfig(Integer queueCapacity, Integer batchSize, Integer maxResultRows, Integer maxResultBytes,
                           Integer maxStatementChars, Integer maxParameterChars, Integer keyRollRecords, Integer retentionDays,
                           Integer retentionMaxMegabytes, Integer retentionCheckMinutes, Boolean enabled) {
        this(queueCapacity, batchSize, maxResultRows, maxResultBytes, maxStatementChars, maxParameterChars, keyRollRecords,
                retentionDays, retentionMaxMegabytes, retentionCheckMinutes, enabled, null, null, null, null);
    }

    /** Session recording on (the default). */
    public RecordingConfig(Integer queueCapacity, Integer batchSize, Integer maxResultRows, Integer maxResultBytes,
                           Integer maxStatementChars, Integer maxParameterChars, Integer keyRollRecords, Integer retentionDays,
                           Integer retentionMaxMegabytes, Integer retentionCheckMinutes) {
        this(queueCapacity, batchSize, maxResultRows, maxResultBytes, maxStatementChars, maxParameterChars, keyRollRecords,
                retentionDays, retentionMaxMegabytes, retentionCheckMinutes, true);
    }

    public static RecordingConfig defaults() {
        return new RecordingConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public RetentionPolicy retentionPolicy() {
        return new RetentionPolicy(retentionDays * 86_400_000_000L, retentionMaxMegabytes * 1_048_576L);
    }

    RecordingConfig withQueueCapacity(int capacity) {
        return new RecordingConfig(capacity, batchSize, maxResultRows, maxResultBytes, maxStatementChars,
                maxParameterChars, keyRollRecords, retentionDays, retentionMaxMegabytes, retentionCheckMinutes, enabled,
                journal, journalFsync, journalSegmentMegabytes, journalMaxMegabytes);
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
