package dev.bulwark.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the target list of a view's stored query ({@code pg_rewrite.ev_action}, the node tree
 * PostgreSQL keeps for the view's {@code _RETURN} rule). Each top-level TARGETENTRY carries
 * {@code :resorigtbl} and {@code :resorigcol}: the table and column a plain column reference comes
 * from (the same facts RowDescription reports for a query), 0 for an expression.
 *
 * <pre>
 * ({QUERY :commandType 1 ... :targetList ({TARGETENTRY :expr {VAR ...} :resno 1 :resname id
 *     :ressortgroupref 0 :resorigtbl 16385 :resorigcol 1 :resjunk false} ...) ...})
 * </pre>
 *
 * Special characters inside tokens are escaped with a backslash, so braces and parentheses that
 * are not escaped are structure. Only entries directly in the outermost QUERY are read (a UNION's
 * branches, subqueries and CTEs have their own QUERY nodes deeper down).
 */
final class ViewQueryTree {

    /** One output column of the view. */
    record Target(int resultNumber, int originTable, int originColumn, boolean junk) {
    }

    private ViewQueryTree() {
    }

    /** The view's output columns in order; throws IllegalArgumentException when the tree is not readable. */
    static List<Target> targets(String tree) {
        List<Target> targets = new ArrayList<>();
        int depth = 0;
        int parens = 0;
        int listParens = -1;
        boolean expectList = false;
        boolean inList = false;
        boolean done = false;
        String field = null;
        long resno = -1;
        long origTable = 0;
        long origColumn = 0;
        boolean junk = false;
        int i = 0;
        int length = tree.length();
        while (i < length && !done) {
            char c = tree.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            switch (c) {
                case '{' -> {
                    depth++;
                    if (inList && depth == 2) {
                        resno = -1;
                        origTable = 0;
                        origColumn = 0;
                        junk = false;
                        field = null;
                    }
                    i++;
                    continue;
                }
                case '}' -> {
                    if (inList && depth == 2) {
                        if (resno < 1) {
                            throw new IllegalArgumentException("target entry without resno");
                        }
                        targets.add(new Target((int) resno, (int) origTable, (int) origColumn, junk));
                    }
                    depth--;
                    i++;
                    continue;
                }
                case '(' -> {
                    parens++;
                    if (expectList) {
                        expectList = false;
                        inList = true;
                        listParens = parens;
                    }
                    i++;
                    continue;
                }
                case ')' -> {
                    if (inList && depth == 1 && parens == listParens) {
                        inList = false;
                        done = true;
                    }
                    parens--;
                    i++;
                    continue;
                }
                default -> {
                }
            }
            StringBuilder token = new StringBuilder();
            while (i < length) {
                char d = tree.charAt(i);
                if (d == '\\' && i + 1 < length) {
                    token.append(tree.charAt(i + 1));
                    i += 2;
                    continue;
                }
                if (Character.isWhitespace(d) || d == '{' || d == '}' || d == '(' || d == ')') {
                    break;
                }
                token.append(d);
                i++;
            }
            String word = token.toString();
            if (depth == 1 && !inList && word.equals(":targetList")) {
                expectList = true;
                continue;
            }
            if (expectList) {
                expectList = false;
                if (word.equals("<>")) {
                    done = true; // an empty target list
                }
                continue;
            }
            if (inList && depth == 2) {
                if (word.startsWith(":")) {
                    field = word;
                } else if (field != null) {
                    switch (field) {
                        case ":resno" -> resno = Long.parseLong(word);
                        case ":resorigtbl" -> origTable = Long.parseLong(word);
                        case ":resorigcol" -> origColumn = Long.parseLong(word);
                        case ":resjunk" -> junk = word.equals("true");
                        default -> {
                        }
                    }
                    field = null;
                }
            }
        }
        if (!done) {
            throw new IllegalArgumentException("no target list in the view's query tree");
        }
        return targets;
    }
}
