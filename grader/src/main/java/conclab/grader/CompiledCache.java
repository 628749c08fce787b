package conclab.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The classes javac made from a set of sources, kept so that a calibration, which checks each version many
 * times, compiles it once. An entry's key is a digest of the compiler's command line and of every source
 * file's name and text: the same key means the same classes.
 *
 * <p>Each entry is a folder under {@code root}, copied in under a temporary name and then renamed, so that a
 * check that finds an entry finds it whole. Two checks that miss the same key at once both compile; the
 * second rename fails and is ignored. Thread-safe: the only state is the file system.
 */
final class CompiledCache {
    private final Path root;

    CompiledCache(Path root) {
        this.root = root;
    }

    /** The key of running {@code javac} (its files relative to {@code work}, named in it). */
    static String key(List<String> javac, Path work) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        for (String arg : javac) {
            sha.update(arg.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            if (arg.endsWith(".java")) sha.update(Files.readAllBytes(work.resolve(arg)));
            sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Copies the classes kept under {@code key} into {@code classes}; false when there are none. */
    boolean restore(String key, Path classes) throws IOException {
        Path entry = root.resolve(key);
        if (!Files.isDirectory(entry)) return false;
        copy(entry, classes);
        return true;
    }

    /** Keeps a copy of {@code classes} under {@code key}. */
    void keep(String key, Path classes) throws IOException {
        Path entry = root.resolve(key);
        if (Files.isDirectory(entry)) return;
        Path partial = Files.createTempDirectory(root, key + ".partial-");
        copy(classes, partial);
        try {
            Files.move(partial, entry, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            // another check kept the same classes first; the partial copy goes with the root folder
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
