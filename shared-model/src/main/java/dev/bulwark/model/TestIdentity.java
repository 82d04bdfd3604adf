package dev.bulwark.model;

import java.util.List;

/** The identity a rule test pretends to be: a subject and its groups. */
public record TestIdentity(String subject, List<String> groups) {
    public TestIdentity {
        Checks.text(subject, "subject");
        groups = Checks.list(groups);
    }
}
