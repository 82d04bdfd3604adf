package dev.bulwark.engine;

import dev.bulwark.auth.GrantRule;
import dev.bulwark.config.TargetConfig;
import dev.bulwark.management.ManagementBackend;
import dev.bulwark.model.VaultEntry;
import dev.bulwark.vault.CredentialReference;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The vault's entries by name, with the targets that log in with them: read from the vault file on the
 * executor. Secrets are never opened: {@code Vault.list} reads names, users and times only.
 */
final class VaultEntriesBackend implements ManagementBackend.VaultBackend {
    /** The target shown for a credential that no target and no grant refers to. */
    static final String UNUSED = "(unused)";

    private final EngineManagementBackend.Parts parts;

    VaultEntriesBackend(EngineManagementBackend.Parts parts) {
        this.parts = parts;
    }

    @Override
    public CompletableFuture<List<VaultEntry>> entries() {
        return StoreFailures.asUnavailable(CompletableFuture.supplyAsync(() -> {
            List<VaultEntry> entries = new ArrayList<>();
            for (dev.bulwark.vault.VaultEntry entry : parts.vault().list()) {
                for (String target : targetsUsing(entry.name())) {
                    entries.add(new VaultEntry(entry.name(), target, entry.user(), entry.updatedAt()));
                }
            }
            return entries;
        }, parts.blocking()), "listing the vault");
    }

    /** Targets whose service credential, or a grant's credential on them ({@code *}: any), is this vault entry. */
    private Set<String> targetsUsing(String name) {
        Set<String> targets = new LinkedHashSet<>();
        for (TargetConfig target : parts.targets()) {
            if (refersTo(target.credential(), name)) {
                targets.add(target.name());
            }
        }
        for (GrantRule grant : parts.grants()) {
            if (grant.credential() != null && refersTo(grant.credential(), name)) {
                targets.add(grant.target());
            }
        }
        if (targets.isEmpty()) {
            targets.add(UNUSED);
        }
        return targets;
    }

    private static boolean refersTo(String reference, String name) {
        try {
            return CredentialReference.parse(reference) instanceof CredentialReference.VaultReference vault
                    && vault.name().equals(name);
        } catch (RuntimeException malformed) {
            return false;
        }
    }
}
