package dev.bulwark.console.ui;

import javafx.css.PseudoClass;

/**
 * Every style class and pseudo-class the console's code sets, named once, so the stylesheets and
 * the code cannot drift apart silently (the stylesheets use the same names). No inline styles.
 */
public final class Css {
    private Css() {}

    // Layout
    public static final String APP = "bulwark-app";
    public static final String HEADER = "app-header";
    public static final String BRAND = "brand";
    public static final String NAV = "nav";
    public static final String NAV_BUTTON = "nav-button";
    public static final String BADGE = "badge";
    public static final String STATUS_BAR = "status-bar";
    public static final String STATUS_DOT = "status-dot";
    public static final String VIEW = "feature-view";
    public static final String VIEW_TITLE = "view-title";
    public static final String SECTION_TITLE = "section-title";
    public static final String TOOLBAR = "view-toolbar";
    public static final String DETAIL = "detail-pane";
    public static final String FIELD_LABEL = "field-label";
    public static final String FIELD_ERROR = "field-error";
    public static final String HINT = "hint";
    public static final String MUTED = "muted";
    public static final String ERROR_TEXT = "error-text";
    public static final String PLACEHOLDER = "placeholder-text";
    public static final String MONO = "mono";
    public static final String STRONG = "strong";
    /** A table whose rows hold two lines of text. */
    public static final String TWO_LINE = "two-line";
    public static final String CARD = "card";
    public static final String PRIMARY = "primary";
    public static final String DANGER = "danger";
    public static final String SUCCESS = "success";

    // Pills: session states and verdicts
    public static final String PILL = "pill";
    public static final String STATE_PREFIX = "state-";
    public static final String VERDICT_PREFIX = "verdict-";

    // SQL highlighting
    public static final String SQL = "sql";
    public static final String SQL_KEYWORD = "sql-keyword";
    public static final String SQL_STRING = "sql-string";
    public static final String SQL_COMMENT = "sql-comment";
    public static final String SQL_NUMBER = "sql-number";
    public static final String SQL_IDENTIFIER = "sql-identifier";
    public static final String SQL_QUOTED = "sql-quoted-identifier";
    public static final String SQL_PARAMETER = "sql-parameter";
    public static final String SQL_OPERATOR = "sql-operator";
    public static final String SQL_PLAIN = "sql-plain";
    public static final String SQL_NULL = "sql-null";
    /** A character shown by its code ({@code «U+202E»}): controls, bidi, invisible characters. */
    public static final String SQL_ESCAPE = "sql-escape";
    /** The marker where a one-line excerpt was cut. */
    public static final String SQL_CUT = "sql-cut";
    /** A statement shown as a list of its lines (any length, laid out only where visible). */
    public static final String SQL_LINES = "sql-lines";
    /** Text from a client outside SQL (a bind value, a name) shown with its escapes styled. */
    public static final String UNTRUSTED = "untrusted-text";
    /** A warning about the text shown next to it (truncated by the recorder, right-to-left letters). */
    public static final String TEXT_WARNING = "text-warning";

    // Replay
    public static final String GRID = "result-grid";
    public static final String FRAME_MESSAGE = "frame-message";

    // Pseudo-classes
    public static final PseudoClass CONNECTED = PseudoClass.getPseudoClass("connected");
    public static final PseudoClass CONNECTING = PseudoClass.getPseudoClass("connecting");
    public static final PseudoClass RECONNECTING = PseudoClass.getPseudoClass("reconnecting");
    public static final PseudoClass FAILED = PseudoClass.getPseudoClass("failed");
    public static final PseudoClass INVALID = PseudoClass.getPseudoClass("invalid");
    public static final PseudoClass OK = PseudoClass.getPseudoClass("ok");
    public static final PseudoClass BROKEN = PseudoClass.getPseudoClass("broken");
    public static final PseudoClass EMPTY = PseudoClass.getPseudoClass("empty");
    public static final PseudoClass NULL_VALUE = PseudoClass.getPseudoClass("null-value");
    public static final PseudoClass DISABLED_RULE = PseudoClass.getPseudoClass("disabled-rule");
    public static final PseudoClass ERROR = PseudoClass.getPseudoClass("error");
    public static final PseudoClass NOTICE = PseudoClass.getPseudoClass("notice");
}
