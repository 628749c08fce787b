package conclab.grader;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Shard {@code index} of {@code count} disjoint shards of a class, counted from 0 as Kubernetes' {@code
 * JOB_COMPLETION_INDEX}: the students that one machine of a cluster grades.
 *
 * <p>The assignment rule: a student, named by their folder's name, is in shard
 * {@code SHA-256(UTF-8 bytes of the name), read as an unsigned big-endian integer, mod count}. It depends on the
 * name and the count only: not on the JVM, the file system's listing order or the other students, so a student is
 * in the same shard for a given count on every machine and in every run, and the shards of one count are disjoint
 * and together hold every student. In Python: {@code int.from_bytes(hashlib.sha256(name.encode()).digest(), "big")
 * % count}.
 *
 * <p>Precondition and invariant: {@code 0 <= index < count}. Immutable.
 */
record Shard(int index, int count) {
    Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + " of " + count + ": need 0 <= K < N");
        }
    }

    /**
     * Reads {@code K/N}, e.g. {@code 0/3}.
     *
     * @throws IllegalArgumentException with a message that says what is wrong and what to give instead
     */
    static Shard parse(String spec) {
        String[] parts = spec.split("/", -1);
        String usage = "--shard needs K/N, two whole numbers with 0 <= K < N (shard K of N, counted from 0 as "
                + "Kubernetes' JOB_COMPLETION_INDEX; e.g. --shard 0/3, --shard 1/3, --shard 2/3), not " + spec;
        if (parts.length != 2 || !parts[0].matches("\\d{1,9}") || !parts[1].matches("\\d{1,9}")) {
            throw new IllegalArgumentException(usage);
        }
        int index = Integer.parseInt(parts[0]), count = Integer.parseInt(parts[1]);
        if (count < 1 || index >= count) throw new IllegalArgumentException(usage);
        return new Shard(index, count);
    }

    /** The shard, of {@code count}, that grades {@code student} (the rule in the class comment). */
    static int of(String student, int count) {
        byte[] digest = sha256().digest(student.getBytes(StandardCharsets.UTF_8));
        return new BigInteger(1, digest).mod(BigInteger.valueOf(count)).intValue();
    }

    /** Whether this shard grades {@code student}. */
    boolean has(String student) {
        return of(student, count) == index;
    }

    /** "K of N", for people. */
    String describe() {
        return index + " of " + count;
    }

    /** "K-of-N": the name of the folder a shard writes by default. */
    String folderName() {
        return index + "-of-" + count;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256, which every JDK must have", e);
        }
    }
}
