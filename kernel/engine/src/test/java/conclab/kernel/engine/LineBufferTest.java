package conclab.kernel.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LineBufferTest {
    record Chunk(Cell cell, String text) {}

    final List<Chunk> chunks = new ArrayList<>();
    final RoutedOutput out = new RoutedOutput((cell, stream, text) -> {
        synchronized (chunks) {
            chunks.add(new Chunk(cell, text));
        }
    }, EngineWire.STDOUT);

    String all() {
        synchronized (chunks) {
            return chunks.stream().map(Chunk::text).reduce("", String::concat);
        }
    }

    @Test
    void completeLinesGoOutAtOnceAndTheRestWaits() throws Exception {
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        ps.print("one\ntw");
        assertEquals("one\n", all());
        ps.print("o\n");
        assertEquals("one\ntwo\n", all());
        ps.print("three");
        ps.flush(); // PrintStream flushes after every print: that must not send half lines
        assertEquals("one\ntwo\n", all());
        out.flushCallingThread();
        assertEquals("one\ntwo\nthree", all());
    }

    @Test
    void linesOfManyThreadsAreNeverMixed() throws Exception {
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int threads = 8, lines = 500;
        var gate = new CyclicBarrier(threads);
        var done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread.ofPlatform().start(() -> {
                try {
                    gate.await();
                    for (int i = 0; i < lines; i++) {
                        // written in pieces, so that pieces of different threads could interleave
                        ps.print("thread " + id);
                        ps.print(" line ");
                        ps.println(i);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                } finally {
                    done.countDown();
                }
            });
        }
        assertTrue(done.await(60, TimeUnit.SECONDS));
        String[] got = all().split("\n");
        assertEquals(threads * lines, got.length);
        int[] next = new int[threads];
        for (String line : got) {
            var m = java.util.regex.Pattern.compile("thread (\\d) line (\\d+)").matcher(line);
            assertTrue(m.matches(), "mixed line: " + line);
            int id = Integer.parseInt(m.group(1));
            assertEquals(next[id]++, Integer.parseInt(m.group(2)), "a thread's lines out of order");
        }
    }

    @Test
    void aFlushNeverSplitsAUtf8Character() throws Exception {
        byte[] poem = "我住长江头".getBytes(StandardCharsets.UTF_8);
        out.write(poem, 0, 4); // the first character and one byte of the second
        out.flushCallingThread();
        out.write(poem, 4, poem.length - 4);
        out.flushCallingThread();
        assertEquals("我住长江头", all());
        for (Chunk c : chunks) assertFalse(c.text().contains("\uFFFD"), "a character was cut: " + c.text());
    }

    @Test
    void aVeryLongLineIsSentInPieces() throws Exception {
        byte[] line = "x".repeat(LineBuffer.MAX_LINE + 10).getBytes(StandardCharsets.US_ASCII);
        out.write(line, 0, line.length);
        assertFalse(all().isEmpty(), "a line longer than the limit must not be held back");
    }

    @Test
    void textOfAThreadThatChangesCellsGoesToTheOldCellFirst() throws Exception {
        Cell a = new Cell(1, 100, 1000), b = new Cell(2, 100, 1000);
        Cell.setCurrent(a);
        try {
            out.write("from a, ".getBytes(), 0, 8);
            Cell.setCurrent(b);
            out.write("from b\n".getBytes(), 0, 7);
        } finally {
            Cell.setCurrent(null);
        }
        assertEquals(2, chunks.size());
        assertSame(a, chunks.get(0).cell());
        assertEquals("from a, ", chunks.get(0).text());
        assertSame(b, chunks.get(1).cell());
    }

    @Test
    void staleUnfinishedLinesAreSentByTheFlusher() throws Exception {
        var written = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                out.write("progress...".getBytes(), 0, 11);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            written.countDown();
        });
        assertTrue(written.await(10, TimeUnit.SECONDS));
        writer.join();
        out.flushStale(Long.MAX_VALUE); // not stale yet
        assertEquals("", all());
        out.flushStale(0);
        assertEquals("progress...", all());
    }
}
