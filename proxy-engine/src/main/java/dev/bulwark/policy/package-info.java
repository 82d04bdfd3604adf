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
 * // per session
 * SessionPolicyState policyState = new SessionPolicyState();
 *
 * // Query message
 * QueryClassification query = policyState.resolve(classifier.classify(sql));
 * Verdict verdict = PolicyEngine.decide(query, identity, target, rules, unknownAction);
 * switch (verdict) {
 *     case Verdict.Allow allow -> { policyState.observe(query); forward(); }
 *     case Verdict.Deny deny -> error("42501", deny.message());
 *     case Verdict.Hold hold -> askForApproval(hold);   // on approval: policyState.observe(query); forward()
 * }
 *
 * // Parse message (extended protocol): same, with classifyParse; on allow, for a named statement,
 * // policyState.rememberProtocolStatement(name, query); on Close: policyState.forgetProtocolStatement(name)
 * }</pre>
 */
package dev.bulwark.policy;
