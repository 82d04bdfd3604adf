package dev.bulwark.console.app;

import java.util.List;
import java.util.Locale;

/** The console's two looks; each is the shared stylesheet plus a palette. */
public enum Theme {
    LIGHT("light.css"),
    DARK("dark.css");

    private static final String BASE = "console.css";
    private static final String RESOURCES = "/dev/bulwark/console/ui/";

    private final String palette;

    Theme(String palette) {
        this.palette = palette;
    }

    /** The stylesheets to put on a scene, in order. */
    public List<String> stylesheets() {
        return List.of(url(palette), url(BASE));
    }

    private static String url(String name) {
        var resource = Theme.class.getResource(RESOURCES + name);
        if (resource == null) {
            throw new IllegalStateException("stylesheet " + RESOURCES + name + " is missing from the build");
        }
        return resource.toExternalForm();
    }

    public Theme other() {
        return this == LIGHT ? DARK : LIGHT;
    }

    public static Theme parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("theme must be light or dark, not " + text);
        }
    }
}
