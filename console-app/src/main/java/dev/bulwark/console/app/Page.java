package dev.bulwark.console.app;

/** The console's views, in navigation order. */
public enum Page {
    SESSIONS("Sessions", "navSessions"),
    APPROVALS("Approvals", "navApprovals"),
    RULES("Rules", "navRules"),
    REPLAY("Replay", "navReplay"),
    AUDIT("Audit", "navAudit");

    private final String title;
    private final String navId;

    Page(String title, String navId) {
        this.title = title;
        this.navId = navId;
    }

    public String title() {
        return title;
    }

    /** The navigation button's node id, for tests. */
    public String navId() {
        return navId;
    }
}
