package conclab.kernel.api;

import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link KernelPlugin} is given when it registers: the means to add magics and code, and its own jars.
 * Valid during {@link KernelPlugin#register} only; not thread-safe.
 */
public interface Registry {
    /**
     * Adds {@code %name args} on a line of its own. {@code usage} is one line for {@code %help}, starting
     * with how the magic is written ({@code "%check NAME: ..."}).
     *
     * @throws IllegalArgumentException if the name is taken or is not a letter followed by letters, digits,
     *         {@code _} or {@code -}
     */
    void lineMagic(String name, String usage, LineMagic magic);

    /** Adds {@code %%name args} on a cell's first line, the rest of the cell its body; as {@link #lineMagic}. */
    void cellMagic(String name, String usage, CellMagic magic);

    /**
     * Java code each new session runs once, after the kernel's imports and before {@code CONCLAB_STARTUP}:
     * typically methods that notebook code calls, such as {@code check("NAME")}. It runs again whenever the
     * engine is restarted. An error in it is shown in the first cell; it does not stop the session.
     */
    void startupCode(String java);

    /**
     * Puts {@code jar} on the class path of every session (its compiler and its engine), before the startup
     * code runs: classes that notebook code calls, imported by {@link #startupCode} ({@code import static ...}),
     * compiled once with the plug-in instead of as startup code in every session. Notebook code sees
     * every class in it: keep it small, and never put there what a learner must not read (tests, answers).
     */
    void engineJar(java.nio.file.Path jar);

    /** The jars of this plug-in's folder (the plug-in's classpath), for JVMs the plug-in starts. */
    List<Path> classpath();
}
