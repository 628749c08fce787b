package conclab.kernel;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

/**
 * The distribution's layout, named in one place: the folder the kernel's jar is in ({@code kernel/target/dist}
 * when built, {@code kernels/NAME/} once installed, a copy of it). The build makes it ({@code kernel/pom.xml}),
 * {@link Installer} copies it whole, {@link Options} and {@link Plugins} read it; {@code LayoutTest} checks that
 * the pom and the launcher name these same files.
 *
 * <pre>
 *   conclab-kernel.jar    the kernel (this jar, shaded)
 *   conclab-engine.jar    the engine, which is also its JVM's agent
 *   conclab-lib.jar       the course library, on the engine's class path
 *   lib/*.jar             the library's dependencies (charts)
 *   plugins/NAME/*.jar    one kernel plug-in per folder (plugins/grader: the exercise cells)
 *   c10k/, c10k/lib/      the C10K lab's servers and load generator, found by the library beside its jar
 *   *.aot, aot.stamp      once installed: the kernel's and the engine's start-up caches ({@link AotCache})
 *   woven/                the JDK classes the engine's agent wove, kept for the next start (the engine's WovenCache)
 * </pre>
 */
record Layout(Path home) {
    static final String KERNEL_JAR = "conclab-kernel.jar", ENGINE_JAR = "conclab-engine.jar", LIB_JAR = "conclab-lib.jar",
            LIB_FOLDER = "lib", PLUGINS_FOLDER = "plugins";
    /** Made by install beside the jars (see {@link AotCache}): the JVMs' start-up caches and what they fit. */
    static final String KERNEL_AOT = "conclab-kernel.aot", ENGINE_AOT = "conclab-engine.aot", AOT_STAMP = "aot.stamp";
    /** Beside the engine's jar: the classes its agent wove (conclab.kernel.engine.WovenCache). */
    static final String WOVEN_FOLDER = "woven";

    /** The layout of the folder this kernel runs from. */
    static Layout here() {
        return new Layout(Options.kernelJar().getParent());
    }

    /** The jars the kernel cannot run without; install refuses a folder that lacks one. */
    List<Path> requiredJars() {
        return List.of(home.resolve(KERNEL_JAR), home.resolve(ENGINE_JAR), home.resolve(LIB_JAR));
    }

    /** The engine's class path, with a glob for the library's dependencies. */
    String engineClasspath() {
        return home.resolve(ENGINE_JAR) + File.pathSeparator + home.resolve(LIB_JAR) + File.pathSeparator
                + home.resolve(LIB_FOLDER).resolve("*.jar");
    }

    Path plugins() {
        return home.resolve(PLUGINS_FOLDER);
    }
}
