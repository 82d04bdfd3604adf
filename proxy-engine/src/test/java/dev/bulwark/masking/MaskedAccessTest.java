package dev.bulwark.masking;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SessionMasking#checkAccess}: access masked_only, with catalog facts given by hand. */
class MaskedAccessTest {

    private static final SessionMasking ALICE = TestData.policy("""
            rules:
              - {id: mail, schema: public, table: customers, column: email, access: masked_only}
              - {id: city, schema: public, table: customers, column: city}
            """).forSession(TestData.ALICE, "t");
    private static final TableName CUSTOMERS = new TableName("public", "customers");
    private static final TableName CONTACTS = new TableName("public", "contacts");

    private static CatalogColumn column(int attnum, String name, ColumnSource source) {
        return new CatalogColumn(attnum, name, 25, 25, -1, false, source);
    }

    private static final CatalogTable CUSTOMERS_TABLE = new CatalogTable(1, CUSTOMERS, 'r', List.of(
            column(1, "id", new ColumnSource.Base(new ColumnName(CUSTOMERS, "id"), List.of())),
            column(2, "email", new ColumnSource.Base(new ColumnName(CUSTOMERS, "email"), List.of())),
            column(3, "city", new ColumnSource.Base(new ColumnName(CUSTOMERS, "city"), List.of()))));
    private static final CatalogTable CONTACTS_VIEW = new CatalogTable(2, CONTACTS, 'v', List.of(
            column(1, "id", new ColumnSource.Base(new ColumnName(CUSTOMERS, "id"), List.of())),
            column(2, "contact", new ColumnSource.Base(new ColumnName(CUSTOMERS, "email"), List.of())),
            column(3, "shout", new ColumnSource.Derived(Set.of(new ColumnName(CUSTOMERS, "email"))))));
    private static final Map<TableName, List<CatalogTable>> CATALOG = Map.of(
            new TableName("", "customers"), List.of(CUSTOMERS_TABLE), new TableName("", "contacts"), List.of(CONTACTS_VIEW),
            new TableName("", "ghost"), List.of());

    private static MaskedAccess check(SessionMasking session, ComputedUse... uses) {
        return session.checkAccess(List.of(uses), List.of(), name -> Optional.ofNullable(CATALOG.get(name)), false);
    }

    private static ComputedUse use(String table, String column) {
        return new ComputedUse(new TableName("", table), column, "WHERE");
    }

    @Test
    void aComputationOnTheColumnIsRefusedNamingColumnRuleAndPlace() {
        MaskedAccess.Refused refused = assertInstanceOf(MaskedAccess.Refused.class, check(ALICE, use("customers", "email")));
        assertEquals("mail", refused.ruleId());
        assertEquals("statement refused: column customers.email is masked for you by rule \"mail\" (access: masked_only);"
                + " a statement may only select it as it is, count it or test it IS [NOT] NULL, and this one uses it in WHERE",
                refused.message());
        assertInstanceOf(MaskedAccess.Refused.class, check(ALICE, use("customers", ComputedUse.WHOLE_ROW)));
    }

    @Test
    void otherColumnsPassOnceTheCatalogSaysWhatTheRelationIs() {
        assertInstanceOf(MaskedAccess.Allowed.class, check(ALICE, use("customers", "id"), use("customers", "city")));
        MaskedAccess.NeedsCatalog needs = assertInstanceOf(MaskedAccess.NeedsCatalog.class, check(ALICE, use("orders", "amount")));
        assertEquals(Set.of(new TableName("", "orders")), needs.relations());
        assertInstanceOf(MaskedAccess.Refused.class, ALICE.checkAccess(List.of(use("orders", "amount")), List.of(),
                name -> Optional.empty(), true), "after the catalog was asked, what it could not say is refused");
        assertInstanceOf(MaskedAccess.Refused.class, check(ALICE, use("ghost", "x")), "a relation the catalog lacks");
    }

    @Test
    void viewColumnsAreTracedToTheMaskedColumn() {
        assertInstanceOf(MaskedAccess.Allowed.class, check(ALICE, use("contacts", "id")));
        MaskedAccess.Refused renamed = assertInstanceOf(MaskedAccess.Refused.class, check(ALICE, use("contacts", "contact")));
        assertTrue(renamed.message().contains("column public.contacts.contact (which is public.customers.email)"),
                renamed.message());
        MaskedAccess.Refused computed = assertInstanceOf(MaskedAccess.Refused.class, check(ALICE, use("contacts", "shout")));
        assertTrue(computed.message().contains("computed from public.customers.email"), computed.message());
        assertInstanceOf(MaskedAccess.Refused.class, check(ALICE, use("contacts", ComputedUse.WHOLE_ROW)));
    }

    @Test
    void whatTheReaderCouldNotTraceIsRefusedAndRulesWithAccessAnyCostNothing() {
        MaskedAccess.Refused refused = assertInstanceOf(MaskedAccess.Refused.class, ALICE.checkAccess(List.of(),
                List.of("calls f(), which is not known to be safe"), name -> Optional.empty(), false));
        assertTrue(refused.message().contains("cannot tell how this statement uses them: calls f()"), refused.message());
        SessionMasking any = TestData.policy("rules:\n  - {id: a, table: customers, column: email}\n")
                .forSession(TestData.ALICE, "t");
        assertInstanceOf(MaskedAccess.Allowed.class, any.checkAccess(List.of(use("customers", "email")), List.of("x"),
                name -> { throw new AssertionError("no catalog lookup for access: any"); }, false));
    }
}
