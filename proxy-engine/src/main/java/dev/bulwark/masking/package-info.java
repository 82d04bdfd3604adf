/**
 * Masking: sensitive values in query results are replaced before they leave the gateway; the data
 * in the database is unchanged.
 *
 * <h2>What the engine calls</h2>
 * <pre>
 * startup:      MaskingPolicy policy = MaskingPolicy.compile(MaskingConfig.read(file), tokenKey);
 *               CatalogResolver catalog = new CatalogResolver(sideConnectionSupplier, blockingExecutor);  // per target
 * per session:  SessionMasking masking = policy.forSession(identity, targetName);   // masksNothing() → skip all
 * RowDescription (+ Bind formats):
 *               Set&lt;Integer&gt; oids = masking.tableOidsToResolve(columns);
 *               snapshot = CatalogSnapshot.EMPTY if oids is empty, else catalog.cached(oids) if present,
 *                          else catalog.resolve(oids) (async: stop reading upstream until it completes)
 *               RowMasker rows = masking.rowMasker(columns, snapshot);          // isNone() → forward as is
 * DataRow:      ByteBuf out = rows.apply(dataRow, alloc); if (out != dataRow) dataRow.release();
 * COPY TO STDOUT: CopyCommand.parse(sql) → TableCopy: masking.copyTable(copy, await catalog.resolveTable(copy.sqlName()))
 *                                        → QueryCopy: masking.copyQuery(copy, tablesFromTheSqlParser)
 *               CopyDecision: PassThrough | Mask(CopyMasker: apply each CopyData, finish at CopyDone)
 *                             | CannotMaskExactly(reason) → ErrorResponse 42501
 * ErrorResponse/NoticeResponse: masking.maskMessageField(code, value, new ErrorSource(s, t), catalog.cachedTable(..))
 * NotificationResponse: masking.maskNotificationPayload(payload)
 * after DDL:    catalog.invalidate()
 * MaskingException from a masker: do not forward; end the query/session with its SQLSTATE.
 * </pre>
 *
 * <h2>How a column is found</h2>
 * RowDescription carries, per column, the table OID and attribute number PostgreSQL traced the
 * column to at parse time, through aliases, joins, subqueries, CTEs and {@code SELECT *}. The
 * {@link dev.bulwark.masking.CatalogResolver} names them, and traces view columns to base columns
 * through {@code pg_rewrite} (each view output column records its own origin) so a rule on
 * customers.email also masks {@code v.contact} of {@code CREATE VIEW v AS SELECT email AS contact
 * FROM customers}, for views of views and views over joins too. A view column that is an
 * expression is masked if the view reads a masked column (fail closed, from {@code pg_depend}). A
 * whole-row value ({@code SELECT c FROM customers c}: attribute number 0) is masked field by field.
 * A table OID the catalog cannot resolve is redacted when any column rule applies. Computed columns
 * (table OID 0: UNION, expressions, functions) are matched by column-name patterns and scanned by
 * detectors where a rule enables them.
 *
 * <h2>What each strategy writes, by type</h2>
 * <table>
 * <caption>replacement values (text form; binary carries the same value in the type's binary form)</caption>
 * <tr><th>type</th><th>redact</th><th>partial</th><th>tokenize</th><th>fixed value</th></tr>
 * <tr><td>text, varchar(n), name</td><td>****</td><td>letters/digits masked but first/last kept; e-mail
 *   keeps domain</td><td>tok_ + hex (+ @domain)</td><td>value</td></tr>
 * <tr><td>bpchar(n), "char"</td><td colspan="4">as text, blank padded/truncated to exactly n</td></tr>
 * <tr><td>int2/int4/int8</td><td>0</td><td>last keep_last digits</td><td>HMAC number in range</td>
 *   <td>value if it parses, else 0</td></tr>
 * <tr><td>numeric(p,s)</td><td>0 (scale s)</td><td>last digits of the integer part</td><td>number fitting
 *   p,s</td><td>value if it fits, else 0</td></tr>
 * <tr><td>float4/float8</td><td>0</td><td>0</td><td>integer-valued float</td><td>value if it parses</td></tr>
 * <tr><td>bool</td><td>f</td><td>f</td><td>HMAC bit</td><td>t/f if given</td></tr>
 * <tr><td>date</td><td>1970-01-01</td><td>Jan 1 of the year</td><td>a date 2000-2099</td><td>if it parses</td></tr>
 * <tr><td>timestamp, timestamptz</td><td>1970-01-01 00:00:00(+00)</td><td>start of the year (UTC)</td>
 *   <td>a timestamp 2000-2099</td><td>if it parses</td></tr>
 * <tr><td>time, timetz, interval</td><td>00:00:00(+00)</td><td>as redact</td><td>a time of day
 *   (interval: as redact)</td><td>if it parses</td></tr>
 * <tr><td>uuid</td><td>all zeros</td><td>hex digits zeroed but first/last kept</td><td>version-8 uuid</td>
 *   <td>if it parses</td></tr>
 * <tr><td>inet, cidr</td><td>0.0.0.0(/32)</td><td>network kept (/24, /64)</td><td>10.x.y.z</td><td>if it parses</td></tr>
 * <tr><td>json, jsonb</td><td>"****"</td><td>a JSON string value masked inside, else "****"</td>
 *   <td>"tok_..."</td><td>the value as a JSON string</td></tr>
 * <tr><td>xml</td><td>****</td><td>****</td><td>tok_...</td><td>value, XML-escaped</td></tr>
 * <tr><td>bytea</td><td>empty</td><td>empty</td><td>HMAC bytes</td><td>UTF-8 bytes of the value</td></tr>
 * <tr><td>arrays, records</td><td colspan="4">NULL (detectors still look inside them)</td></tr>
 * <tr><td>other types</td><td colspan="4">text format: a text placeholder (valid text, not necessarily a valid
 *   value of the type: a typed client may fail to parse it); binary format: NULL</td></tr>
 * </table>
 * null_out writes NULL for every type. NULL stays NULL. Tokens come from HMAC-SHA256 over the
 * value's canonical text under the tokenization key, so a value masks the same way in text and
 * binary, in every column, across sessions, until the key changes.
 *
 * <h2>Detectors</h2>
 * email, payment_card (Luhn), iban (mod 97), phone ("+" numbers, North American shapes), us_ssn
 * (123-45-6789), jwt, api_key (AWS, GitHub, Slack, Stripe), and custom patterns. They run only where
 * a rule enables them, on text-like values (text, json, xml, arrays and records in text or binary),
 * on int8/numeric (a card number cast to a number) and bytea (masking the whole value), and on error
 * messages and notification payloads. A value longer than max_scan_bytes is redacted whole.
 *
 * <h2>Known limits</h2>
 * Transformations that no longer look like the value (substr, reverse, base64, a rewritten
 * separator) are not caught by masking; the statement policy must deny expressions over protected
 * columns where that matters (see LeakCorpusTest). Inference (WHERE email = '...') is out of scope.
 * Values must be UTF-8 (client_encoding UTF8); a COPY with another ENCODING is refused when masking
 * applies. Dates and times are read in DateStyle ISO. Binary COPY is refused when masking applies.
 */
package dev.bulwark.masking;
