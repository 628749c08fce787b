package conclab.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/**
 * {@code java -jar conclab-kernel.jar CONNECTION_FILE} runs the kernel (Jupyter starts it so);
 * {@code java -jar conclab-kernel.jar install [...]} installs the kernelspec (see {@link Installer});
 * {@code jshell} and {@code export} are the course's jshell ({@link JShellCommand}, {@link NotebookExport}).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        // The kernel logs to stderr (the Jupyter server's log): warnings only, unless CONCLAB_LOG says otherwise.
        String level = System.getenv("CONCLAB_LOG");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level == null || level.isBlank() ? "warn" : level);
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println("""
                    usage: java -jar conclab-kernel.jar CONNECTION_FILE      run the kernel (Jupyter does this)
                           java -jar conclab-kernel.jar install [--user | --sys-prefix | --prefix DIR]
                                                                [--name NAME] [--env KEY=VALUE]... [--no-cache]
                           java -jar conclab-kernel.jar jshell [JSHELL_ARGS...]   jshell with the course library
                           java -jar conclab-kernel.jar export NOTEBOOK [--out FILE]   a notebook as a jshell script
                           java -jar conclab-kernel.jar --version""");
            return;
        }
        switch (args[0]) {
            case "install" -> System.exit(Installer.run(Arrays.copyOfRange(args, 1, args.length)));
            case "jshell" -> System.exit(JShellCommand.run(Arrays.asList(args).subList(1, args.length)));
            case "export" -> System.exit(NotebookExport.run(Arrays.asList(args).subList(1, args.length)));
            case "train" -> { // install's training run, which makes the start-up caches (AotCache)
                AotCache.train(Path.of(args[1]));
                System.exit(0);
            }
            case "--version" -> System.out.println("conclab " + Kernel.VERSION + " on Java " + System.getProperty("java.version"));
            default -> run(Path.of(args[0]));
        }
    }

    private static void run(Path connectionFile) throws Exception {
        String json;
        try {
            json = Files.readString(connectionFile);
        } catch (NoSuchFileException e) {
            System.err.println("conclab: no connection file " + connectionFile
                    + ". Jupyter starts this kernel with one; to install the kernel, run: java -jar conclab-kernel.jar install");
            System.exit(2);
            return;
        } catch (IOException e) {
            System.err.println("conclab: cannot read " + connectionFile + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        Options options = Options.fromEnvironment();
        Connection connection = new Connection(KernelConnectionProperties.parse(json));
        // The kernel starts its first session in the background: JShell and the imports first, which open no socket.
        // The engine JVM is launched only when Jupyter's ports are bound (connection.bound()): its sockets take
        // ephemeral ports, and one could otherwise be a port Jupyter picked for us. Binding meanwhile saves its time.
        Kernel kernel = new Kernel(options, connection);
        endWithParent();
        connection.bind();
        Thread.ofPlatform().name("conclab-control").start(() -> connection.control.serve(kernel::handleControl));
        kernel.serveShell();
    }

    /**
     * Ends this JVM when the process that started it (the Jupyter server) has ended, as ipykernel does: a server
     * killed without shutting its kernels down would otherwise leave this JVM and its engine running for ever. The
     * engine ends in turn when it sees this JVM end (EngineMain watches its parent the same way). For a process that
     * is not its child the JDK notices the end by polling, within a few seconds. halt, not exit: nothing is left
     * to flush, and no shutdown hook may hold the end up.
     */
    private static void endWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            System.err.println("conclab: the process that started this kernel (" + parent.pid() + ") has ended: ending too");
            Runtime.getRuntime().halt(0);
        }));
    }
}
