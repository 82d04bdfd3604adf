package dev.bulwark.console.ui;

import javafx.stage.Window;

import java.nio.file.Path;
import java.util.Optional;

/** File choosers behind an interface, so views can be driven in tests without a native dialog. */
public interface FileDialogs {

    /** Asks where to save; empty when the user cancels. */
    Optional<Path> saveFile(Window owner, String title, String initialName, String description, String pattern);

    /** Asks for an existing file; empty when the user cancels. */
    Optional<Path> openFile(Window owner, String title, String description, String pattern);
}
