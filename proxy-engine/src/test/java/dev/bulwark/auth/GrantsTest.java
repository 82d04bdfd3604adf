package dev.bulwark.auth;

import dev.bulwark.vault.CredentialReference;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GrantsTest {
    private static final String ACME = "https://idp.example.com/realms/acme";
    private static final String OTHER = "https://other.example.com";

    private static Identity identity(String subject, Set<String> groups, Map<String, String> attributes, String issuer) {
        return new Identity(subject, groups, issuer, "jti", Instant.parse("2026-11-21T13:00:00Z"), attributes);
    }

    private final Grants grants = new Grants(List.of(
            GrantRule.forSubject("alice", "shop", "shop_owner").fromIssuer(ACME),
            GrantRule.forGroup("analysts", "*", "readonly"),
            GrantRule.forClaim("department", "finance", "ledger", "ledger_rw").withCredential("vault:ledger-rw"),
            GrantRule.forGroup("dba", "shop", "shop_admin"),
            GrantRule.forGroup("dba", "shop", "shop_owner")));

    @Test
    void subjectRule() {
        Grant grant = grants.authorize(identity("alice", Set.of(), Map.of(), ACME), "shop");
        assertEquals(new Grant("shop", "shop_owner", Optional.empty()), grant);
        assertTrue(grant.setRole());
        assertEquals("SET ROLE \"shop_owner\"", grant.setRoleStatement());
    }

    @Test
    void subjectRulePinnedToItsIssuer() {
        AuthenticationException rejected = assertThrows(AuthenticationException.class,
                () -> grants.authorize(identity("alice", Set.of(), Map.of(), OTHER), "shop"));
        assertEquals("28000", rejected.sqlState());
        assertEquals("no grant for target \"shop\"", rejected.clientMessage());
    }

    @Test
    void groupRuleWithWildcardTarget() {
        Identity analyst = identity("bob", Set.of("analysts"), Map.of(), OTHER);
        assertEquals("readonly", grants.authorize(analyst, "shop").role());
        assertEquals("readonly", grants.authorize(analyst, "anything").role());
    }

    @Test
    void firstMatchWins() {
        // alice is also an analyst: the subject rule comes first for shop, the group rule for the rest.
        Identity alice = identity("alice", Set.of("analysts"), Map.of(), ACME);
        assertEquals("shop_owner", grants.authorize(alice, "shop").role());
        assertEquals("readonly", grants.authorize(alice, "ledger").role());
    }

    @Test
    void claimRuleWithRoleCredential() {
        Identity accountant = identity("carol", Set.of(), Map.of("department", "finance"), ACME);
        Grant grant = grants.authorize(accountant, "ledger");
        assertEquals("ledger_rw", grant.role());
        assertFalse(grant.setRole());
        assertEquals(Optional.of(new CredentialReference.VaultReference("ledger-rw")), grant.roleCredential());

        Identity sales = identity("dave", Set.of(), Map.of("department", "sales"), ACME);
        assertEquals("no grant for target \"ledger\"",
                assertThrows(AuthenticationException.class, () -> grants.authorize(sales, "ledger")).clientMessage());
    }

    @Test
    void requestedRoleSelectsAmongGrants() {
        Identity dba = identity("erin", Set.of("dba"), Map.of(), ACME);
        assertEquals("shop_admin", grants.authorize(dba, "shop").role());
        assertEquals("shop_owner", grants.authorize(dba, "shop", "shop_owner").role());
        AuthenticationException rejected = assertThrows(AuthenticationException.class,
                () -> grants.authorize(dba, "shop", "postgres"));
        assertEquals("28000", rejected.sqlState());
        assertEquals("no grant for target \"shop\" as role \"postgres\"", rejected.clientMessage());
    }

    @Test
    void noGrantMessageNamesOnlyWhatWasAsked() {
        Identity nobody = identity("mallory", Set.of("guests"), Map.of(), ACME);
        AuthenticationException rejected = assertThrows(AuthenticationException.class,
                () -> grants.authorize(nobody, "shop"));
        assertEquals(AuthenticationException.Reason.NO_GRANT, rejected.reason());
        assertEquals("28000", rejected.sqlState());
        assertEquals("no grant for target \"shop\"", rejected.clientMessage());
        for (String hidden : List.of("ledger", "vault", "shop_owner", "readonly")) {
            assertFalse(rejected.clientMessage().contains(hidden), hidden);
        }
        String odd = "x\u0000\u001b[31m" + "y".repeat(100);
        String echoed = assertThrows(AuthenticationException.class, () -> grants.authorize(nobody, odd)).clientMessage();
        assertEquals("no grant for target \"x??[31m" + "y".repeat(56) + "...\"", echoed);
    }

    @Test
    void noRulesNoAccess() {
        assertThrows(AuthenticationException.class,
                () -> new Grants(List.of()).authorize(identity("alice", Set.of(), Map.of(), ACME), "shop"));
    }

    @Test
    void setRoleQuotesTheRole() {
        assertEquals("SET ROLE \"we\"\"ird role\"", new Grant("t", "we\"ird role", Optional.empty()).setRoleStatement());
    }
}
