package conclab.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A counter in a memory-mapped file that several processes increment at once: the shared-memory demo.
 *
 * <pre>{@code
 * SharedCounter.run(Mode.RACY, 2, 1_000_000)     // less than 2000000: increments were lost
 * SharedCounter.run(Mode.ATOMIC, 2, 1_000_000)   // 2000000
 * SharedCounter.run(Mode.LOCKED, 2, 10_000)      // 20000, and much slower per increment
 * }</pre>
 *
 * <p>Each process maps the same 8 bytes of the same file ({@link FileChannel#map}, read-write, which is a
 * shared mapping) as a {@link MemorySegment}: the OS maps the same physical page into both processes, so
 * what one writes is in the memory the other reads, with no copying. What is shared is memory, not Java
 * objects, and the Java memory model says nothing about other processes: what holds is what the
 * processor and the OS guarantee.
 *
 * <ul>
 * <li>{@link Mode#RACY}: read the counter, then write it plus one (volatile accesses, so each is a real
 *     memory access that the JIT cannot merge with the next). Two processes that read the same value both
 *     write value + 1: one increment is lost.
 * <li>{@link Mode#ATOMIC}: {@link VarHandle#getAndAdd} on the segment, one atomic instruction of the
 *     processor ({@code lock xadd} on x86). It works on memory, whichever process's address space maps it:
 *     cache coherence knows nothing of processes. It needs the counter aligned (it is: offset 0 of a
 *     page). Atomics work between processes; Java's locks ({@code synchronized}, {@code ReentrantLock})
 *     do not: they live in one JVM's heap.
 * <li>{@link Mode#LOCKED}: the same read and write as RACY, holding {@link FileChannel#lock()}: an advisory
 *     lock of the OS on the file ({@code fcntl} on Linux), held by a process, so another process's
 *     {@code lock()} waits until it is released. It is for processes only: within one JVM a second lock on
 *     the same region throws {@link java.nio.channels.OverlappingFileLockException} instead of waiting.
 *     Two system calls per increment make it far slower than ATOMIC.
 * </ul>
 *
 * <p>{@link #run} starts the children, waits until each has mapped the file and says {@code ready}, then
 * sends them all {@code go} (a barrier across processes, through their pipes), and reads the count once
 * every child has said {@code done}.
 */
public final class SharedCounter {
    private SharedCounter() {}

    /** How the children increment the counter. */
    public enum Mode { RACY, ATOMIC, LOCKED }

    /** A {@code long} in a segment; coordinates: the segment, the offset. */
    private static final VarHandle COUNTER = ValueLayout.JAVA_LONG.varHandle();

    /** Starts {@code processes} child JVMs that each increment a new counter {@code times} times; returns its final value. */
    public static long run(Mode mode, int processes, int times) {
        List<LineChild> children = new ArrayList<>();
        Path file = null;
        try {
            file = Files.createTempFile("conclab-counter-", ".bin");
            Files.write(file, new byte[Long.BYTES]);
            for (int i = 0; i < processes; i++)
                children.add(LineChild.start(SharedCounter.class, file.toString(), mode.name(), Integer.toString(times)));
            for (LineChild child : children) expect(child, "ready");
            for (LineChild child : children) child.send("go");
            for (LineChild child : children) expect(child, "done");
            return read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            children.forEach(LineChild::close);
            if (file != null) file.toFile().delete();
        }
    }

    private static void expect(LineChild child, String word) {
        String line = child.readLine();
        if (!word.equals(line)) throw new IllegalStateException("child " + child.pid() + " said " + line + ", not " + word);
    }

    /** The counter in {@code file}. */
    public static long read(Path file) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.nativeOrder()).getLong();
    }

    /** The child: maps the file {@code args[0]}, says ready, waits for go, increments {@code args[2]} times in mode {@code args[1]}, says done. */
    public static void main(String[] args) throws IOException {
        Mode mode = Mode.valueOf(args[1]);
        int times = Integer.parseInt(args[2]);
        try (var file = FileChannel.open(Path.of(args[0]), READ, WRITE); var arena = Arena.ofConfined()) {
            MemorySegment counter = file.map(MapMode.READ_WRITE, 0, Long.BYTES, arena);
            var in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
            say("ready");
            if (!"go".equals(in.readLine())) return; // the parent went away
            for (int i = 0; i < times; i++) increment(mode, counter, file);
            say("done");
        }
    }

    /** Adds one to the counter at offset 0 of {@code counter}, in {@code mode}. */
    static void increment(Mode mode, MemorySegment counter, FileChannel file) throws IOException {
        switch (mode) {
            case RACY -> readThenWrite(counter);
            case ATOMIC -> COUNTER.getAndAdd(counter, 0L, 1L);
            case LOCKED -> {
                FileLock lock = file.lock(); // waits while another process holds it
                try {
                    readThenWrite(counter);
                } finally {
                    lock.release();
                }
            }
        }
    }

    private static void readThenWrite(MemorySegment counter) {
        long value = (long) COUNTER.getVolatile(counter, 0L);
        COUNTER.setVolatile(counter, 0L, value + 1);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
