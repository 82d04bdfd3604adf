package dev.bulwark.masking;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.bulwark.auth.Identity;

import java.util.List;

/**
 * Subjects and groups a rule applies to (or exempts). Matching is exact and case-sensitive, as
 * the identity provider writes them.
 *
 * @param subjects token subjects
 * @param groups group names
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record IdentitySelector(List<String> subjects, List<String> groups) {

    public static final IdentitySelector NOBODY = new IdentitySelector(List.of(), List.of());

    public IdentitySelector {
        subjects = MaskingRule.copy(subjects, "subjects");
        groups = MaskingRule.copy(groups, "groups");
    }

    public boolean isEmpty() {
        return subjects.isEmpty() && groups.isEmpty();
    }

    public boolean matches(Identity identity) {
        if (subjects.contains(identity.subject())) {
            return true;
        }
        for (String group : groups) {
            if (identity.inGroup(group)) {
                return true;
            }
        }
        return false;
    }
}
