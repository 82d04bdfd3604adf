package dev.bulwark.masking;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * The masking rules that apply to one identity on one target, ready to build maskers. Immutable
 * and thread-safe; the maskers it builds are not (one per result set / COPY, on the event loop).
 * Nothing here blocks.
 *
 * <p>For a result set the engine does:
 * <pre>
 *   RowDescription ──► columns ──► tableOidsToResolve(columns) ── empty ──► rowMasker(columns, EMPTY)
 *                                        │ not empty
 *                                        ▼
 *                          catalog.cached(oids) ── present ──► rowMasker(columns, snapshot)
 *                                        │ absent
 *                                        ▼
 *                 catalog.resolve(oids) (async; hold DataRows) ──► rowMasker(columns, snapshot)
 * </pre>
 */
public final class SessionMasking {

    static final String REDACTED_DETAIL = "(detail hidden by the masking policy)";
    private static final String FAIL_CLOSED = "(fail-closed)";

    private final List<CompiledRule> active;
    private final List<CompiledRule> tableWhole;
    /** Table rules with access: masked_only. */
    private final List<CompiledRule> maskedOnly;
    private final byte[] tokenKey;
    private final int maxScanBytes;
    private final int maxCopyLineBytes;
    /** Detectors of rules without table or column_name: messages, COPY of queries. */
    private final DetectorSet scopedDetectors;

    SessionMasking(List<CompiledRule> active, byte[] tokenKey, int maxScanBytes, int maxCopyLineBytes) {
        this.active = List.copyOf(active);
        this.tableWhole = rules(rule -> rule.kind() == CompiledRule.Kind.TABLE_WHOLE);
        this.maskedOnly = rules(CompiledRule::maskedOnly);
        this.tokenKey = tokenKey;
        this.maxScanBytes = maxScanBytes;
        this.maxCopyLineBytes = maxCopyLineBytes;
        this.scopedDetectors = detectors(rule -> rule.kind() == CompiledRule.Kind.SCOPED_DETECT);
    }

    /** True when no rule applies: the engine can skip masking for this session entirely. */
    public boolean masksNothing() {
        return active.isEmpty();
    }

    /** The ids of the rules that apply, for recording. */
    public List<String> ruleIds() {
        return active.stream().map(CompiledRule::id).toList();
    }

    /**
     * True when some rule with {@code access: masked_only} applies: the engine must then check each
     * statement with {@link #checkAccess}. False costs the engine nothing per statement.
     */
    public boolean limitsAccess() {
        return !maskedOnly.isEmpty();
    }

    /** True when a rule with {@code access: masked_only} names a column of this table (by name). */
    public boolean limitsAccessOn(TableName table) {
        requireNonNull(table, "table is null");
        return maskedOnly.stream().anyMatch(rule -> rule.matchesTable(table));
    }

    /**
     * Judges a statement under {@code access: masked_only}: refused when it computes on a column such a
     * rule masks for this identity (directly, or through a view's column, a partition or a child table),
     * or when the reader could not tell how it uses columns. Never blocks.
     *
     * @param uses the statement's uses other than plain projection, count and NULL test
     * @param untraced why the reader could not trace some uses (then the statement is refused)
     * @param relations what the catalog knows of a relation named in SQL: every relation of that name
     *     (in any schema when unqualified); empty Optional when not looked up yet, an empty list when
     *     there is none
     * @param catalogAsked true once the catalog was asked: a relation still unknown is then refused
     */
    public MaskedAccess checkAccess(List<ComputedUse> uses, List<String> untraced,
            java.util.function.Function<TableName, Optional<List<CatalogTable>>> relations, boolean catalogAsked) {
        requireNonNull(uses, "uses is null");
        requireNonNull(untraced, "untraced is null");
        requireNonNull(relations, "relations is null");
        if (maskedOnly.isEmpty()) {
            return MaskedAccess.Allowed.INSTANCE;
        }
        String rules = maskedOnly.stream().map(rule -> "\"" + rule.id() + "\"").collect(java.util.stream.Collectors.joining(", "));
        if (!untraced.isEmpty()) {
            return new MaskedAccess.Refused("statement refused: columns are masked for you with access masked_only (rule "
                    + rules + ") and Bulwark cannot tell how this statement uses them: " + untraced.get(0),
                    maskedOnly.get(0).id());
        }
        Set<TableName> missing = new java.util.LinkedHashSet<>();
        for (ComputedUse use : uses) {
            if (use.context().equals(ComputedUse.STATISTICS)) {
                return new MaskedAccess.Refused("statement refused: " + use.table() + " holds samples of column values"
                        + " (most common values, histogram bounds), and columns are masked for you with access"
                        + " masked_only (rule " + rules + ")", maskedOnly.get(0).id());
            }
            for (CompiledRule rule : maskedOnly) {
                if (use.wholeRow() ? rule.matchesTable(use.table()) : rule.matches(new ColumnName(use.table(), use.column()))) {
                    return refused(use, use.describe(), rule);
                }
            }
            // Any relation may be a view over a masked column, a partition or child of a masked table, or
            // (unqualified) another schema's relation of that name: the catalog says.
            Optional<List<CatalogTable>> known = relations.apply(use.table());
            if (known.isEmpty()) {
                if (catalogAsked) {
                    return new MaskedAccess.Refused("statement refused: columns are masked for you with access masked_only"
                            + " (rule " + rules + ") and the catalog could not be read to tell whether " + use.table()
                            + " shows them", maskedOnly.get(0).id());
                }
                missing.add(use.table());
                continue;
            }
            if (known.get().isEmpty()) {
                return new MaskedAccess.Refused("statement refused: relation " + use.table() + " is not in the catalog,"
                        + " so Bulwark cannot tell whether " + use.describe() + " shows a column masked for you with"
                        + " access masked_only (rule " + rules + ")", maskedOnly.get(0).id());
            }
            for (CatalogTable table : known.get()) {
                List<CatalogColumn> columns = use.wholeRow() ? table.columns() : table.column(use.column()).stream().toList();
                for (CatalogColumn column : columns) {
                    MaskedAccess refused = checkSource(use, table, column);
                    if (refused != null) {
                        return refused;
                    }
                }
            }
        }
        return missing.isEmpty() ? MaskedAccess.Allowed.INSTANCE : new MaskedAccess.NeedsCatalog(missing);
    }

    private MaskedAccess checkSource(ComputedUse use, CatalogTable table, CatalogColumn column) {
        String shown = "column " + table.name() + "." + column.name();
        switch (column.source()) {
            case ColumnSource.Base base -> {
                for (CompiledRule rule : maskedOnly) {
                    if (matches(rule, base)) {
                        return refused(use, shown.equals("column " + base.column()) ? shown
                                : shown + " (which is " + base.column() + ")", rule);
                    }
                }
            }
            case ColumnSource.Derived derived -> {
                for (CompiledRule rule : maskedOnly) {
                    for (ColumnName read : derived.readsFrom()) {
                        if (rule.matches(read)) {
                            return refused(use, shown + " (computed from " + read + ")", rule);
                        }
                    }
                }
            }
            case ColumnSource.Unknown unknown -> {
                return new MaskedAccess.Refused("statement refused: columns are masked for you with access masked_only"
                        + " and Bulwark cannot trace " + shown + " to the columns it shows (" + unknown.reason() + ")",
                        maskedOnly.get(0).id());
            }
        }
        return null;
    }

    private static MaskedAccess.Refused refused(ComputedUse use, String what, CompiledRule rule) {
        return new MaskedAccess.Refused("statement refused: " + what + " is masked for you by rule \"" + rule.id()
                + "\" (access: masked_only); a statement may only select it as it is, count it or test it"
                + " IS [NOT] NULL, and this one uses it in " + use.context(), rule.id());
    }

    /** True when some table rule (whole value or detectors) applies to a column of this table. */
    public boolean hasColumnRulesOn(TableName table) {
        requireNonNull(table, "table is null");
        for (CompiledRule rule : active) {
            if (rule.matchesTable(table)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The table OIDs of this RowDescription the catalog must resolve before {@link #rowMasker} can
     * be exact; empty when no rule applies or every column is computed.
     */
    public Set<Integer> tableOidsToResolve(List<ResultColumn> columns) {
        if (active.isEmpty()) {
            return Set.of();
        }
        Set<Integer> oids = new HashSet<>();
        for (ResultColumn column : columns) {
            if (column.tableOid() != 0 && column.attributeNumber() >= 0) {
                oids.add(column.tableOid());
            }
        }
        return oids;
    }

    /**
     * The masker for the DataRows of one result set, or {@link RowMasker#NONE}. A table OID the
     * snapshot lacks is masked fail closed (redacted when any column rule applies to this session).
     */
    public RowMasker rowMasker(List<ResultColumn> columns, CatalogSnapshot catalog) {
        requireNonNull(columns, "columns is null");
        requireNonNull(catalog, "catalog is null");
        if (active.isEmpty()) {
            return RowMasker.NONE;
        }
        ColumnPlan[] plans = new ColumnPlan[columns.size()];
        int[] formats = new int[columns.size()];
        List<MaskedColumn> masked = new ArrayList<>();
        for (int i = 0; i < plans.length; i++) {
            ResultColumn column = columns.get(i);
            plans[i] = plan(column, catalog);
            formats[i] = column.format();
            if (plans[i] != ColumnPlan.PASS) {
                masked.add(describe(i, column.name(), plans[i]));
            }
        }
        return masked.isEmpty() ? RowMasker.NONE : new RowMasker(plans, formats, masked, new Tokenizer(tokenKey));
    }

    /**
     * The decision for {@code COPY table [(columns)] TO STDOUT}.
     *
     * @param table the table as {@link CatalogResolver#resolveTable} found it; empty when the
     *     catalog does not know it (then the COPY is refused if any column rule applies)
     */
    public CopyDecision copyTable(CopyCommand.TableCopy copy, Optional<CatalogTable> table) {
        requireNonNull(copy, "copy is null");
        requireNonNull(table, "table is null");
        if (active.isEmpty()) {
            return new CopyDecision.PassThrough();
        }
        if (table.isEmpty()) {
            return hasTableRules()
                    ? new CopyDecision.CannotMaskExactly("table " + copy.table() + " is not in the catalog")
                    : everyFieldDecision(copy.options(), allScopeDetectors());
        }
        List<CatalogColumn> fields = new ArrayList<>();
        if (copy.columns().isEmpty()) {
            for (CatalogColumn column : table.get().columns()) {
                if (!column.generated()) {
                    fields.add(column);
                }
            }
        } else {
            for (String name : copy.columns()) {
                Optional<CatalogColumn> column = table.get().column(name);
                if (column.isEmpty()) {
                    return new CopyDecision.CannotMaskExactly("column " + name + " of " + copy.table()
                            + " is not in the catalog");
                }
                fields.add(column.get());
            }
        }
        ColumnPlan[] plans = new ColumnPlan[fields.size()];
        List<MaskedColumn> masked = new ArrayList<>();
        for (int i = 0; i < plans.length; i++) {
            CatalogColumn column = fields.get(i);
            plans[i] = bySource(column.source(), ValueType.of(column.baseTypeOid(), column.typeModifier()), column.name());
            if (plans[i] != ColumnPlan.PASS) {
                masked.add(describe(i, column.name(), plans[i]));
            }
        }
        if (masked.isEmpty()) {
            return new CopyDecision.PassThrough();
        }
        Optional<String> unsupported = unsupported(copy.options());
        if (unsupported.isPresent()) {
            return new CopyDecision.CannotMaskExactly(unsupported.get() + " with masked columns of " + copy.table());
        }
        return new CopyDecision.Mask(new CopyMasker(copy.options(), plans, null, maxCopyLineBytes,
                new Tokenizer(tokenKey), masked, fields.stream().map(CatalogColumn::name).toList()));
    }

    /**
     * The decision for {@code COPY (query) TO STDOUT}. There is no column information, so a query
     * that reads a table with column rules cannot be masked exactly: the engine refuses it.
     *
     * @param tablesRead the tables the query reads, from the engine's SQL parser; empty when it
     *     could not tell (then the COPY is refused if any column rule applies)
     */
    public CopyDecision copyQuery(CopyCommand.QueryCopy copy, Optional<Set<TableName>> tablesRead) {
        requireNonNull(copy, "copy is null");
        requireNonNull(tablesRead, "tablesRead is null");
        if (active.isEmpty()) {
            return new CopyDecision.PassThrough();
        }
        if (hasTableRules()) {
            if (tablesRead.isEmpty()) {
                return new CopyDecision.CannotMaskExactly(
                        "COPY of a query whose tables are unknown, while column masking rules apply");
            }
            for (TableName table : tablesRead.get()) {
                if (hasColumnRulesOn(table)) {
                    return new CopyDecision.CannotMaskExactly("COPY of a query reading " + table
                            + ", which has masked columns; use COPY " + table + " TO STDOUT or a SELECT");
                }
            }
        }
        return everyFieldDecision(copy.options(), scopedDetectors);
    }

    /**
     * Masks one field of an ErrorResponse or NoticeResponse. The detail ('D') is parsed for
     * {@code Key (col, ...)=(value, ...)} and {@code Failing row contains (...)}: values of masked
     * columns of the error's table are masked; when the detail cannot be split safely it is replaced
     * whole. Then detectors run on message ('M'), detail, hint ('H'), context ('W') and internal
     * query ('q'). Other fields are returned unchanged.
     *
     * @param table the error's table from {@link CatalogResolver#cachedTable} when known (needed to
     *     read a "Failing row" by position)
     */
    public String maskMessageField(char fieldType, String value, ErrorSource source, Optional<CatalogTable> table) {
        requireNonNull(value, "value is null");
        requireNonNull(source, "source is null");
        requireNonNull(table, "table is null");
        if (active.isEmpty()) {
            return value;
        }
        String result = value;
        switch (fieldType) {
            case 'D' -> {
                result = new ErrorDetailMasker(this, source, table, new ValueMasker(new Tokenizer(tokenKey)))
                        .mask(value);
                if (result == null) {
                    return REDACTED_DETAIL;
                }
            }
            case 'M', 'H', 'W', 'q' -> {
            }
            default -> {
                return value;
            }
        }
        return detectInMessage(result);
    }

    /** Masks what the detectors find in a NotificationResponse payload. */
    public String maskNotificationPayload(String payload) {
        requireNonNull(payload, "payload is null");
        return active.isEmpty() ? payload : detectInMessage(payload);
    }

    private String detectInMessage(String text) {
        if (scopedDetectors.isEmpty() || !scopedDetectors.mightMatch(text)) {
            return text;
        }
        if (text.length() > maxScanBytes) {
            return MaskingStrategy.TEXT_MASK;
        }
        String replaced = scopedDetectors.replace(text, new Tokenizer(tokenKey));
        return replaced == DetectorSet.NULL_VALUE ? MaskingStrategy.TEXT_MASK : replaced;
    }

    // ---- plans -------------------------------------------------------------------------------

    private ColumnPlan plan(ResultColumn column, CatalogSnapshot catalog) {
        ValueType type = ValueType.of(column.typeOid(), column.typeModifier());
        if (column.tableOid() == 0) {
            return computed(column.name(), type);
        }
        if (column.attributeNumber() < 0) {
            return ColumnPlan.PASS; // system columns (ctid, xmin, ...) hold no personal data
        }
        Optional<CatalogTable> table = catalog.table(column.tableOid());
        if (table.isEmpty()) {
            return unknown(column.name(), type, "table OID " + column.tableOid() + " not resolved");
        }
        if (column.attributeNumber() == 0) {
            return wholeRow(table.get(), type);
        }
        Optional<CatalogColumn> catalogColumn = table.get().column(column.attributeNumber());
        if (catalogColumn.isEmpty()) {
            return unknown(column.name(), type, "attribute " + column.attributeNumber() + " not in the catalog");
        }
        CatalogColumn known = catalogColumn.get();
        if (known.typeOid() == column.typeOid() && known.baseTypeOid() != known.typeOid()) {
            type = ValueType.of(known.baseTypeOid(), column.typeModifier()); // a domain: mask as its base type
        }
        return bySource(known.source(), type, column.name());
    }

    private ColumnPlan bySource(ColumnSource source, ValueType type, String name) {
        return switch (source) {
            case ColumnSource.Base base -> {
                for (CompiledRule rule : tableWhole) {
                    if (matches(rule, base)) {
                        yield new ColumnPlan.Whole(type, rule.strategy(), rule.id(), "column rule on " + base.column());
                    }
                }
                DetectorSet detectors = detectors(rule -> rule.kind() == CompiledRule.Kind.TABLE_DETECT
                        && matches(rule, base) || scopedAll(rule));
                yield detectors.isEmpty() ? ColumnPlan.PASS : new ColumnPlan.Detect(type, detectors);
            }
            case ColumnSource.Derived derived -> {
                for (CompiledRule rule : tableWhole) {
                    for (ColumnName column : derived.readsFrom()) {
                        if (rule.matches(column)) {
                            yield new ColumnPlan.Whole(type, rule.strategy(), rule.id(),
                                    "view expression reading " + column);
                        }
                    }
                }
                DetectorSet detectors = detectors(rule -> rule.kind() == CompiledRule.Kind.TABLE_DETECT
                        && derived.readsFrom().stream().anyMatch(rule::matches)
                        || rule.kind() == CompiledRule.Kind.NAME_DETECT && rule.matchesName(name)
                        || rule.kind() == CompiledRule.Kind.SCOPED_DETECT);
                ColumnPlan byName = byName(name, type);
                yield byName != ColumnPlan.PASS || detectors.isEmpty() ? byName : new ColumnPlan.Detect(type, detectors);
            }
            case ColumnSource.Unknown unknown -> unknown(name, type, unknown.reason());
        };
    }

    private ColumnPlan computed(String name, ValueType type) {
        ColumnPlan byName = byName(name, type);
        if (byName != ColumnPlan.PASS) {
            return byName;
        }
        DetectorSet detectors = detectors(rule -> rule.kind() == CompiledRule.Kind.NAME_DETECT && rule.matchesName(name)
                || rule.kind() == CompiledRule.Kind.SCOPED_DETECT);
        return detectors.isEmpty() ? ColumnPlan.PASS : new ColumnPlan.Detect(type, detectors);
    }

    private ColumnPlan byName(String name, ValueType type) {
        for (CompiledRule rule : active) {
            if (rule.kind() == CompiledRule.Kind.NAME_WHOLE && rule.matchesName(name)) {
                return new ColumnPlan.Whole(type, rule.strategy(), rule.id(), "computed column named " + name);
            }
        }
        return ColumnPlan.PASS;
    }

    /** Origin unknown: redacted if any column rule applies to this session, else treated as computed. */
    private ColumnPlan unknown(String name, ValueType type, String reason) {
        if (hasTableRules()) {
            return new ColumnPlan.Whole(type, MaskingStrategy.Redact.INSTANCE, FAIL_CLOSED, "origin unknown: " + reason);
        }
        return computed(name, type);
    }

    private ColumnPlan wholeRow(CatalogTable table, ValueType type) {
        List<ColumnPlan> fields = new ArrayList<>(table.columns().size());
        boolean any = false;
        for (CatalogColumn column : table.columns()) {
            ColumnPlan field = bySource(column.source(), ValueType.of(column.baseTypeOid(), column.typeModifier()),
                    column.name());
            fields.add(field);
            any |= field != ColumnPlan.PASS;
        }
        return any ? new ColumnPlan.Row(type, fields) : ColumnPlan.PASS;
    }

    /** The plan for a column of the error's table named in an error detail (null when not masked). */
    ColumnPlan planForErrorColumn(ErrorSource source, String columnName, Optional<CatalogTable> table) {
        Optional<CatalogColumn> known = table.flatMap(t -> t.column(columnName));
        ValueType type = known.map(c -> ValueType.of(c.baseTypeOid(), c.typeModifier())).orElse(ValueType.TEXT);
        if (known.isPresent() && known.get().source() instanceof ColumnSource.Base base) {
            for (CompiledRule rule : tableWhole) {
                if (matches(rule, base)) {
                    return new ColumnPlan.Whole(type, rule.strategy(), rule.id(), "column rule");
                }
            }
            DetectorSet detectors = detectors(rule -> rule.kind() == CompiledRule.Kind.TABLE_DETECT && matches(rule, base));
            if (!detectors.isEmpty()) {
                return new ColumnPlan.Detect(type, detectors);
            }
        }
        if (source.known()) {
            ColumnName column = new ColumnName(source.tableName(), columnName);
            for (CompiledRule rule : tableWhole) {
                if (rule.matches(column)) {
                    return new ColumnPlan.Whole(type, rule.strategy(), rule.id(), "column rule");
                }
            }
            DetectorSet detectors = detectors(rule -> rule.kind() == CompiledRule.Kind.TABLE_DETECT && rule.matches(column));
            return detectors.isEmpty() ? ColumnPlan.PASS : new ColumnPlan.Detect(type, detectors);
        }
        // No table in the message: any column rule for a column of this name applies (fail closed).
        for (CompiledRule rule : tableWhole) {
            if (rule.column().matcher(columnName).matches()) {
                return new ColumnPlan.Whole(type, rule.strategy(), rule.id(), "column rule (by name)");
            }
        }
        return ColumnPlan.PASS;
    }

    /** Whether an error about this table (or an unknown table) may carry masked values. */
    boolean errorMayCarryMaskedValues(ErrorSource source, Optional<CatalogTable> table) {
        if (!source.known()) {
            return hasTableRules();
        }
        if (hasColumnRulesOn(source.tableName())) {
            return true;
        }
        // A partition or child table: its columns may carry a parent's rules.
        return table.isPresent() && table.get().columns().stream()
                .anyMatch(column -> planForErrorColumn(source, column.name(), table) != ColumnPlan.PASS);
    }

    private boolean hasTableRules() {
        for (CompiledRule rule : active) {
            if (rule.kind() == CompiledRule.Kind.TABLE_WHOLE || rule.kind() == CompiledRule.Kind.TABLE_DETECT) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(CompiledRule rule, ColumnSource.Base base) {
        if (rule.matches(base.column())) {
            return true;
        }
        for (ColumnName ancestor : base.ancestors()) {
            if (rule.matches(ancestor)) {
                return true;
            }
        }
        return false;
    }

    private static boolean scopedAll(CompiledRule rule) {
        return rule.kind() == CompiledRule.Kind.SCOPED_DETECT && rule.source().scope() == DetectorScope.ALL;
    }

    private DetectorSet allScopeDetectors() {
        return detectors(SessionMasking::scopedAll);
    }

    private CopyDecision everyFieldDecision(CopyOptions options, DetectorSet detectors) {
        if (detectors.isEmpty()) {
            return new CopyDecision.PassThrough();
        }
        Optional<String> unsupported = unsupported(options);
        if (unsupported.isPresent()) {
            return new CopyDecision.CannotMaskExactly(unsupported.get() + " while value detectors apply");
        }
        ColumnPlan everyField = new ColumnPlan.Detect(ValueType.TEXT, detectors);
        return new CopyDecision.Mask(new CopyMasker(options, null, everyField, maxCopyLineBytes,
                new Tokenizer(tokenKey), List.of(new MaskedColumn(-1, "*", detectors.ruleIds(), "detectors")),
                List.of()));
    }

    private static Optional<String> unsupported(CopyOptions options) {
        if (options.format() == CopyOptions.Format.BINARY) {
            return Optional.of("binary COPY");
        }
        String encoding = options.encoding().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        if (!encoding.isEmpty() && !encoding.equals("UTF8") && !encoding.equals("UNICODE")) {
            return Optional.of("COPY with ENCODING " + options.encoding());
        }
        return Optional.empty();
    }

    private List<CompiledRule> rules(Predicate<CompiledRule> filter) {
        return active.stream().filter(filter).toList();
    }

    private DetectorSet detectors(Predicate<CompiledRule> filter) {
        List<DetectorSet.Binding> bindings = new ArrayList<>();
        for (CompiledRule rule : active) {
            if ((rule.kind() == CompiledRule.Kind.TABLE_DETECT || rule.kind() == CompiledRule.Kind.NAME_DETECT
                    || rule.kind() == CompiledRule.Kind.SCOPED_DETECT) && filter.test(rule)) {
                for (Detector detector : rule.detectors()) {
                    bindings.add(new DetectorSet.Binding(detector, rule.strategy(), rule.id()));
                }
            }
        }
        return new DetectorSet(bindings, maxScanBytes);
    }

    private static MaskedColumn describe(int index, String name, ColumnPlan plan) {
        return switch (plan) {
            case ColumnPlan.Pass pass -> new MaskedColumn(index, name, List.of(), "none");
            case ColumnPlan.Whole whole -> new MaskedColumn(index, name, List.of(whole.ruleId()), whole.reason());
            case ColumnPlan.Detect detect -> new MaskedColumn(index, name, detect.detectors().ruleIds(), "detectors");
            case ColumnPlan.Row row -> {
                List<String> ids = new ArrayList<>();
                for (ColumnPlan field : row.fields()) {
                    ids.addAll(describe(index, name, field).ruleIds());
                }
                yield new MaskedColumn(index, name, ids.stream().distinct().toList(), "whole row");
            }
        };
    }
}
