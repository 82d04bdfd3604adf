package dev.bulwark.console.ui;

import javafx.stage.FileChooser;
import javafx.stage.Window;

import java.io.File;
import java.nio.file.Path;
import java.util.Optional;

/** {@link FileDialogs} with JavaFX's {@link FileChooser}. */
public final class FxFileDialogs implements FileDialogs {
    @Override
    public Optional<Path> saveFile(Window owner, String title, String initialName, String description, String pattern) {
        FileChooser chooser = chooser(title, description, pattern);
        chooser.setInitialFileName(initialName);
        File file = chooser.showSaveDialog(owner);
        return Optional.ofNullable(file).map(File::toPath);
    }

    @Override
    public Optional<Path> openFile(Window owner, String title, String description, String pattern) {
        File file = chooser(title, description, pattern).showOpenDialog(owner);
        return Optional.ofNullable(file).map(File::toPath);
    }

    private static FileChooser chooser(String title, String description, String pattern) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter(description, pattern),
                new FileChooser.ExtensionFilter("All files", "*"));
        File home = new File(System.getProperty("user.home"));
        if (home.isDirectory()) {
            chooser.setInitialDirectory(home);
        }
        return chooser;
    }
}
