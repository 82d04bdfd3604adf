package dev.bulwark.masking;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ViewQueryTreeTest {

    /** Cut from PostgreSQL 17's pg_rewrite.ev_action for: SELECT id, email AS "my col ( }", (SELECT 1), lower(email). */
    private static final String TREE = "({QUERY :commandType 1 :querySource 0 :rtable ({RANGETBLENTRY :eref {ALIAS "
            + ":aliasname c :colnames (\"id\" \"a\\}b\\ \"x\")} :rtekind 0 :relid 16385}) :targetList ({TARGETENTRY "
            + ":expr {VAR :varno 1 :varattno 1 :vartype 23} :resno 1 :resname id :ressortgroupref 0 :resorigtbl 16385 "
            + ":resorigcol 1 :resjunk false} {TARGETENTRY :expr {VAR :varno 1 :varattno 3} :resno 2 :resname my\\ col\\ "
            + "\\(\\ \\} :ressortgroupref 0 :resorigtbl 16385 :resorigcol 3 :resjunk false} {TARGETENTRY :expr {SUBLINK "
            + ":subLinkType 4 :subselect {QUERY :commandType 1 :targetList ({TARGETENTRY :expr {CONST :consttype 23 "
            + ":constvalue 4 [ 1 0 0 0 0 0 0 0 ]} :resno 1 :resname ?column? :ressortgroupref 0 :resorigtbl 99 "
            + ":resorigcol 9 :resjunk false}) :setOperations <>} :location -1} :resno 3 :resname x :ressortgroupref 0 "
            + ":resorigtbl 0 :resorigcol 0 :resjunk false} {TARGETENTRY :expr {FUNCEXPR :funcid 870 :args ({VAR "
            + ":varno 1 :varattno 3})} :resno 4 :resname le :ressortgroupref 0 :resorigtbl 0 :resorigcol 0 "
            + ":resjunk false}) :override 0 :setOperations <> :stmt_len -1})";

    @Test
    void readsOnlyTheOuterTargetList() {
        assertEquals(List.of(
                new ViewQueryTree.Target(1, 16385, 1, false),
                new ViewQueryTree.Target(2, 16385, 3, false),
                new ViewQueryTree.Target(3, 0, 0, false),
                new ViewQueryTree.Target(4, 0, 0, false)), ViewQueryTree.targets(TREE));
    }

    @Test
    void unsignedOidsAndBadTrees() {
        String big = "({QUERY :targetList ({TARGETENTRY :resno 1 :resorigtbl 4294967295 :resorigcol 2 :resjunk false})})";
        assertEquals(List.of(new ViewQueryTree.Target(1, -1, 2, false)), ViewQueryTree.targets(big));
        assertEquals(List.of(), ViewQueryTree.targets("({QUERY :targetList <> :x 1})"));
        assertThrows(IllegalArgumentException.class, () -> ViewQueryTree.targets("({QUERY :commandType 1})"));
        assertThrows(IllegalArgumentException.class, () -> ViewQueryTree.targets("garbage"));
    }
}
