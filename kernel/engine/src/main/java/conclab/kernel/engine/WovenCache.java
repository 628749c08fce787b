package conclab.kernel.engine;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * The classes the {@link Agent} wove at an earlier start of the engine, kept in a folder of the user's, so that
 * later starts do not load and run the ClassFile API (most of what the agent costs a start).
 *
 * <p>One file per class name. It holds the bytes the class was woven from, the weaver that wove it (which agent, for
 * which JDK), and the result. A file is used only if both the class's bytes and the weaver are
 * byte for byte the ones given now, so a new JDK or a new agent simply misses and overwrites the file. A file is
 * written to a temporary name and moved into place, so an engine never reads half of a file another engine writes;
 * a file that cannot be read or parsed is a miss. Any failure of the cache leaves weaving as it was without it.
 *
 * <p>Instances are immutable and thread-safe (the JVM may call the agent's transformer from several threads).
 */
public final class WovenCache {
    /** The agent's argument names the cache's folder: {@code -javaagent:JAR=cache=FOLDER}. */
    private static final String CACHE_OPTION = "cache=";
    /** Before {@link #CACHE_OPTION}: weave every target class into the cache now, not only the loaded ones. */
    private static final String PREFILL_OPTION = "prefill;";

    /** The folder of the files, or null: no cache, every call weaves. */
    private final Path folder;
    /** The weaver's identity (see {@link Agent#weaver}): the agent's jar, and the JDK it weaves. */
    private final byte[] weaver;

    /** A cache in {@code folder} (null: none) for {@code weaver}; an empty weaver (not known) means no cache. */
    WovenCache(Path folder, byte[] weaver) {
        this.folder = weaver.length == 0 ? null : folder;
        this.weaver = weaver.clone();
    }

    /**
     * The agent's argument (after {@code -javaagent:JAR=}) that keeps its woven classes in {@code folder};
     * {@code prefill}: weaves them all at once, for a JVM started only for that, with {@link Agent} as its main class.
     */
    public static String agentArgument(Path folder, boolean prefill) {
        return (prefill ? PREFILL_OPTION : "") + CACHE_OPTION + folder;
    }

    /** The folder an agent's argument names, or null: none. */
    static Path folder(String agentArgument) {
        String a = agentArgument == null ? "" : agentArgument;
        if (a.startsWith(PREFILL_OPTION)) a = a.substring(PREFILL_OPTION.length());
        return a.startsWith(CACHE_OPTION) ? Path.of(a.substring(CACHE_OPTION.length())) : null;
    }

    /** Whether an agent's argument asks to weave every target class now. */
    static boolean prefill(String agentArgument) {
        return agentArgument != null && agentArgument.startsWith(PREFILL_OPTION);
    }

    /**
     * The class {@code name} woven from {@code original}: from the cache if it has it, else from {@code weave},
     * whose result is then kept. Exceptions of {@code weave} pass through, and nothing is kept for them.
     */
    byte[] woven(String name, byte[] original, UnaryOperator<byte[]> weave) {
        byte[] kept = read(name, original);
        if (kept != null) return kept;
        byte[] woven = weave.apply(original);
        write(name, original, woven);
        return woven;
    }

    private Path file(String name) {
        return folder.resolve(name.replace('/', '.') + ".woven");
    }

    private byte[] read(String name, byte[] original) {
        if (folder == null) return null;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file(name)))) {
            if (!Arrays.equals(readBlock(in), weaver) || !Arrays.equals(readBlock(in), original)) return null;
            return readBlock(in);
        } catch (IOException | RuntimeException e) {
            return null; // no file yet, another JDK's, or damaged: weave again
        }
    }

    /**
     * Makes {@code file} readable by every user, as the jars beside it are: a temporary file is its owner's alone, and
     * an install made by one user (an image's root) serves engines run by another.
     */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its files are not private to their owner this way
        }
    }

    private static byte[] readBlock(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 16 << 20) throw new IOException("not a woven class file");
        byte[] block = in.readNBytes(length);
        if (block.length != length) throw new IOException("a woven class file cut short");
        return block;
    }

    private void write(String name, byte[] original, byte[] woven) {
        if (folder == null) return;
        Path temp = null;
        try {
            Files.createDirectories(folder);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(weaver.length + original.length + woven.length + 12);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                for (byte[] block : new byte[][] {weaver, original, woven}) {
                    out.writeInt(block.length);
                    out.write(block);
                }
            }
            temp = Files.createTempFile(folder, name.replace('/', '.'), ".tmp");
            Files.write(temp, bytes.toByteArray());
            readableByAll(temp);
            Files.move(temp, file(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // a cache that cannot be written (a read-only home, a full disk) only makes the next start weave again
            try {
                if (temp != null) Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }
}
