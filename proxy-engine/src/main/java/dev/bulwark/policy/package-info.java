/**
 * Guardrails: reads SQL, decides what may run, fails closed.
 *
 * <h2>Reading</h2>
 * {@link dev.bulwark.policy.StatementClassifier} turns a query text into a
 * {@link dev.bulwark.policy.QueryClassification}: one {@link dev.bulwark.policy.StatementClassification}
 * per statement, each with its {@link dev.bulwark.policy.StatementKind kind} and
 * {@link dev.bulwark.policy.Operation operations} (verb, tables, missing WHERE), the functions it calls and,
 * for PREPARE, what it prepares. What cannot be read is UNKNOWN.
 *
 * <h2>Deciding</h2>
 * {@link dev.bulwark.policy.PolicyEngine#decide} is a pure function of the classification, the
 * {@link dev.bulwark.auth.Identity}, the target name, the {@link dev.bulwark.policy.RuleSet} and the target's
 * {@link dev.bulwark.policy.UnknownAction}; it returns a sealed {@link dev.bulwark.policy.Verdict}.
 *
 * <h2>Wiring, per session</h2>
 * <pre>{@code
 * // once, at engine start (off the event loop): ~0.7 s of class loading
 * StatementClassifier classifier = new StatementClassifier();
 * classifier.warmUp();
 * RuleSet rules = RuleSets.fromYaml(path);          // or from the store: RuleSets.fromJson(json)
 *
 * // per statement, with the session's names (the session owns them: see session.PreparedStatements)
 * QueryClassification query = SessionPolicyState.resolve(classifier.classify(sql), names);
 * Verdict verdict = PolicyEngine.decide(query, identity, target, rules, unknownAction);
 * switch (verdict) {
 *     case Verdict.Allow allow -> forward();   // the session applies SessionPolicyState.changes(...) on CommandComplete
 *     case Verdict.Deny deny -> error("42501", deny.message());
 *     case Verdict.Hold hold -> askForApproval(hold);
 * }
 *
 * // Parse message (extended protocol): same, with classifyParse; its verdict is kept with the statement
 * // and applies to each Execute (judged again then when it runs EXECUTE or FETCH)
 * }</pre>
 *
 * <h2>Decisions worth knowing</h2>
 * <ul>
 *   <li>A WHERE that cannot narrow the rows counts as missing: {@code WHERE true}, {@code 1=1},
 *       {@code NOT false}, {@code x = x}, a bare {@code $1}, any condition that names no column, and an OR
 *       with such a branch. {@code WHERE false} does not (it touches nothing).</li>
 *   <li>{@code pg_sleep} is a READ with its own verb SLEEP (it changes nothing; statement_timeout bounds
 *       it; a rule can deny the verb).</li>
 *   <li>TRUNCATE is a WRITE with its own verb; SELECT ... FOR UPDATE is a READ; COPY TO STDOUT is a READ,
 *       COPY to or from a server file or program adds FILE_READ/FILE_WRITE/PROGRAM_EXECUTE (UTILITY).</li>
 *   <li>EXPLAIN without ANALYZE is a READ, but an unknown function inside it stays unknown: planning folds
 *       IMMUTABLE calls, and a user's function may claim to be IMMUTABLE.</li>
 *   <li>SET ROLE, SET SESSION AUTHORIZATION and set_config('role', ...) are DCL; RESET ROLE and DISCARD
 *       ALL (back to the login role) are SESSION. Settings that switch off triggers or logging
 *       (session_replication_role, log_*) are SERVER_ADMIN; a client_encoding other than UTF8 and a
 *       search_path that puts pg_catalog after other schemas are unknown.</li>
 *   <li>A plain {@code '...'} literal with a backslash that would read differently with
 *       standard_conforming_strings off makes the whole text unknown.</li>
 * </ul>
 *
 * <h2>What a syntactic reading cannot see</h2>
 * What views, triggers, rules, RLS policies and column defaults run; user-defined operators on
 * user-defined types, type input functions, and functions called through attribute notation
 * ({@code t.f} for {@code f(t)}). Keep the database's own privileges as the last line.
 */
package dev.bulwark.policy;
