package conclab.memory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The stop-flag bug of <i>Java Concurrency in Practice</i> §3.1, run where it shows: compiled code in a JVM of
 * its own. A worker thread spins on a flag until the main thread sets it. With a plain field, the JIT may
 * read the flag once, before the loop, and the worker never stops; with a {@code volatile} field every
 * read returns the last write before it in the synchronization order (JLS §17.4.4), so the worker reads the
 * flag on every turn and sees the main thread's write once it is made.
 *
 * <p>Why a child JVM: in a notebook, cell code is compiled with stop checks at every loop's back edge (so
 * that the stop button works), which re-read memory and hide the bug; and a worker that never stops would
 * burn a core of the notebook's JVM forever. The child runs {@link #main} from this library and exits
 * whatever its worker does.
 */
public final class Visibility {
    private Visibility() {}

    /** Deliberately not volatile: the JIT may hoist its read out of the worker's loop. */
    static boolean plainStop;
    static volatile boolean volatileStop;

    /**
     * What one run showed.
     *
     * @param volatileFlag whether the flag was {@code volatile}
     * @param stopped      whether the worker saw the flag and stopped within the wait
     * @param spins        loop iterations the worker made before it stopped (-1 if it did not stop)
     * @param millis       how long after the flag was set the worker stopped, or the whole wait if it did not
     */
    public record Outcome(boolean volatileFlag, boolean stopped, long spins, long millis) {
        @Override
        public String toString() {
            return (volatileFlag ? "volatile" : "plain") + " flag: " + (stopped
                    ? "the worker stopped " + millis + " ms after the flag was set"
                    + String.format(", after %,d spins", spins)
                    : "the worker was STILL RUNNING " + millis + " ms after the flag was set: it had not seen it");
        }
    }

    /**
     * Runs the demo in a child JVM: the worker spins for {@code warmUp} (long enough for the JIT to compile
     * its loop), the flag is set, and the worker gets {@code wait} to notice.
     */
    public static Outcome run(boolean volatileFlag, Duration warmUp, Duration wait) {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", ownClasspath(), Visibility.class.getName(),
                Boolean.toString(volatileFlag), Long.toString(warmUp.toMillis()), Long.toString(wait.toMillis()));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(wait.toMillis() + 30_000, TimeUnit.MILLISECONDS)) p.destroyForcibly();
            String[] f = out.split(" ");
            if (f.length != 3) throw new IllegalStateException("the child JVM printed: " + out);
            return new Outcome(volatileFlag, Boolean.parseBoolean(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
        } catch (IOException e) {
            throw new IllegalStateException("could not start a child JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the child JVM", e);
        }
    }

    /** The child: {@code volatileFlag warmUpMillis waitMillis}; prints {@code stopped spins millis}. */
    public static void main(String[] args) throws InterruptedException {
        boolean useVolatile = Boolean.parseBoolean(args[0]);
        long warmUp = Long.parseLong(args[1]), wait = Long.parseLong(args[2]);
        long[] spins = {-1};
        Thread worker = new Thread(useVolatile ? () -> spinVolatile(spins) : () -> spinPlain(spins), "worker");
        worker.setDaemon(true); // a worker that never stops must not keep this JVM alive
        worker.start();
        Thread.sleep(warmUp);
        long set = System.nanoTime();
        if (useVolatile) volatileStop = true;
        else plainStop = true;
        worker.join(wait);
        long millis = (System.nanoTime() - set) / 1_000_000;
        System.out.println(!worker.isAlive() + " " + spins[0] + " " + millis);
        System.exit(0);
    }

    private static void spinPlain(long[] spins) {
        long n = 0;
        while (!plainStop) n++;
        spins[0] = n;
    }

    private static void spinVolatile(long[] spins) {
        long n = 0;
        while (!volatileStop) n++;
        spins[0] = n;
    }

    /** The classpath this class was loaded from (the library's jar or class folder). */
    private static String ownClasspath() {
        try {
            return Path.of(Visibility.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            return System.getProperty("java.class.path", "") + File.pathSeparator;
        }
    }
}
