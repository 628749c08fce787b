package conclab.kernel;

import conclab.kernel.api.CellMagic;
import conclab.kernel.api.KernelPlugin;
import conclab.kernel.api.LineMagic;
import conclab.kernel.api.Registry;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads the kernel's plug-ins ({@link KernelPlugin}): each folder of {@code plugins/} beside the kernel's jar
 * is one class path, loaded by a class loader of its own whose parent is the kernel's, and searched with
 * {@link ServiceLoader}. A kernel run from class folders, which has no {@code plugins/} beside it, can be given
 * one plug-in's class path with the system property {@code conclab.plugins} (jars and globs, separated as on a
 * class path) instead; none of the tests does.
 *
 * <p>A plug-in registers into a staging {@link Registry}; what it registered is added to the
 * {@link MagicTable} only if {@code register} returned normally. Whatever goes wrong (a jar that cannot be
 * read, a provider that cannot be made, a name that is taken) becomes one line in {@link Loaded#problems},
 * which the kernel shows in the first cell; the kernel goes on without it. Runs on the kernel's main thread.
 */
final class Plugins {
    private Plugins() {}

    /**
     * What loading found: the plug-ins by class name, the jars they put on every session's class path, their
     * startup code in order, and what went wrong.
     */
    record Loaded(List<String> plugins, List<String> engineJars, List<String> startupCode, List<String> problems) {}

    /** The plug-ins' class paths: {@code conclab.plugins} if set, else one per folder of {@code plugins/}. */
    static List<List<Path>> classpaths() {
        String property = System.getProperty("conclab.plugins");
        if (property != null) return List.of(paths(Options.expand(property)));
        Path dir = Layout.here().plugins();
        if (!Files.isDirectory(dir)) return List.of();
        List<List<Path>> all = new ArrayList<>();
        try (Stream<Path> folders = Files.list(dir)) {
            for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
                all.add(paths(Options.expand(folder.resolve("*.jar").toString())));
            }
        } catch (IOException e) {
            return List.of(List.of());  // load reports an empty class path as a folder it could not read
        }
        return all;
    }

    private static List<Path> paths(String classpath) {
        return Stream.of(classpath.split(File.pathSeparator)).filter(s -> !s.isBlank()).map(Path::of).toList();
    }

    /** Loads the plug-ins of {@code classpaths} into {@code table}. */
    static Loaded load(List<List<Path>> classpaths, MagicTable table) {
        List<String> names = new ArrayList<>(), jars = new ArrayList<>(), code = new ArrayList<>(), problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (List<Path> classpath : classpaths) {
            if (classpath.isEmpty()) {
                problems.add("[conclab] a plug-in folder in " + Layout.here().plugins() + " could not be read, or holds no"
                        + " jar: its magics are missing. Reinstall the kernel (./conclab lab).");
                continue;
            }
            String where = classpath.getFirst().getParent().toString();
            ClassLoader loader;
            try {
                loader = loader(classpath);
            } catch (MalformedURLException e) {
                problems.add("[conclab] plug-in " + where + ": " + e.getMessage());
                continue;
            }
            try {
                List<ServiceLoader.Provider<KernelPlugin>> found = providers(loader);
                if (found.isEmpty()) {
                    problems.add("[conclab] plug-in " + where + ": no jar there names a " + KernelPlugin.class.getName()
                            + " in META-INF/services/" + KernelPlugin.class.getName() + ", so nothing was loaded from it.");
                }
                for (ServiceLoader.Provider<KernelPlugin> provider : found) {
                    String name = provider.type().getName();
                    if (!seen.add(name)) continue;  // the same plug-in in two folders: the first one counts
                    KernelPlugin plugin = provider.get();
                    Staged staged = new Staged(classpath);
                    try {
                        plugin.register(staged);
                    } catch (RuntimeException | LinkageError e) {
                        problems.add("[conclab] plug-in " + name + " failed to register (" + e + "); its magics are missing.");
                        continue;
                    }
                    staged.addTo(table, name, problems);
                    jars.addAll(staged.engineJars);
                    code.addAll(staged.code);
                    names.add(name);
                }
            } catch (ServiceConfigurationError e) {
                problems.add("[conclab] plug-in " + where + " cannot be loaded: " + e.getMessage()
                        + "; reinstall it (./conclab lab reinstalls the course's).");
            }
        }
        return new Loaded(List.copyOf(names), List.copyOf(jars), List.copyOf(code), List.copyOf(problems));
    }

    /**
     * The providers that {@code loader}'s own jars name. ServiceLoader also finds those its parent (the kernel's
     * class path) can see; those are not this folder's, and a test's class path may have some.
     */
    private static List<ServiceLoader.Provider<KernelPlugin>> providers(ClassLoader loader) {
        return ServiceLoader.load(KernelPlugin.class, loader).stream()
                .filter(p -> p.type().getClassLoader() == loader).toList();
    }

    private static ClassLoader loader(List<Path> classpath) throws MalformedURLException {
        URL[] urls = new URL[classpath.size()];
        for (int i = 0; i < urls.length; i++) urls[i] = classpath.get(i).toUri().toURL();
        return new URLClassLoader("conclab-plugin", urls, Plugins.class.getClassLoader());
    }

    /** What one plug-in registered, kept until its {@code register} has returned. */
    private static final class Staged implements Registry {
        /** One magic: a line magic ({@code line} set) or a cell magic ({@code cell} set). */
        private record Entry(String name, String usage, LineMagic line, CellMagic cell) {}

        private final List<Path> classpath;
        private final List<Entry> entries = new ArrayList<>();
        final List<String> code = new ArrayList<>();
        final List<String> engineJars = new ArrayList<>();
        /** Checks names as they are registered, so that register itself sees a malformed or repeated one. */
        private final MagicTable names = new MagicTable();

        Staged(List<Path> classpath) {
            this.classpath = List.copyOf(classpath);
        }

        @Override
        public void lineMagic(String name, String usage, LineMagic magic) {
            names.addLine(name, usage, magic);
            entries.add(new Entry(name, usage, magic, null));
        }

        @Override
        public void cellMagic(String name, String usage, CellMagic magic) {
            names.addCell(name, usage, magic);
            entries.add(new Entry(name, usage, null, magic));
        }

        @Override
        public void startupCode(String java) {
            code.add(java);
        }

        @Override
        public void engineJar(Path jar) {
            if (!Files.isRegularFile(jar)) throw new IllegalArgumentException("engineJar: there is no file " + jar);
            engineJars.add(jar.toString());
        }

        @Override
        public List<Path> classpath() {
            return classpath;
        }

        /** Adds the magics to {@code table}; one whose name is taken there is left out and reported. */
        void addTo(MagicTable table, String plugin, List<String> problems) {
            for (Entry e : entries) {
                try {
                    if (e.line() != null) table.addLine(e.name(), e.usage(), e.line());
                    else table.addCell(e.name(), e.usage(), e.cell());
                } catch (IllegalArgumentException x) {
                    problems.add("[conclab] plug-in " + plugin + ": its magic is left out (" + x.getMessage() + ").");
                }
            }
        }
    }
}
