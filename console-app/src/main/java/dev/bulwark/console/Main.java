package dev.bulwark.console;

/** Launches the console (a plain class, so the JavaFX runtime loads from the classpath). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("Bulwark console");
    }
}
