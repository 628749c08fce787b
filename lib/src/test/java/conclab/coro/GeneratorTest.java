package conclab.coro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conclab.coro.Generator.State;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Python's rules of generators, one test per rule, each run on the three kinds of generator: on a continuation
 * ({@link Generator#of}) and on a platform or a virtual thread ({@link Generator#onThread}).
 */
class GeneratorTest {
    /** A generous bound for what should take milliseconds: the machine is shared. */
    static final long LIMIT_SECONDS = 30;

    /** How a test makes a generator: the kinds every rule is checked on. */
    interface Kind {
        <Y, S, R> Generator<Y, S, R> make(Generator.Body<Y, S, R> body);
    }

    static Stream<Kind> kinds() {
        return Stream.of(
                named("continuation", Generator::of),
                named("platform thread", new Kind() {
                    public <Y, S, R> Generator<Y, S, R> make(Generator.Body<Y, S, R> b) {
                        return Generator.onThread(Thread.ofPlatform().daemon(), b);
                    }
                }),
                named("virtual thread", new Kind() {
                    public <Y, S, R> Generator<Y, S, R> make(Generator.Body<Y, S, R> b) {
                        return Generator.onThread(Thread.ofVirtual(), b);
                    }
                }));
    }

    static Kind named(String name, Kind kind) {
        return new Kind() {
            public <Y, S, R> Generator<Y, S, R> make(Generator.Body<Y, S, R> b) {
                return kind.make(b);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    // ---------------------------------------------------------------- starting, sending, ending

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void theBodyDoesNotRunUntilTheFirstNext(Kind kind) {
        List<String> ran = new ArrayList<>();
        Generator<String, Object, Object> g = kind.make(y -> {
            ran.add("body");
            y.yield("first");
            return null;
        });
        assertEquals(List.of(), ran);
        assertEquals(State.CREATED, g.state());
        assertEquals("first", g.next());
        assertEquals(List.of("body"), ran);
        g.close();
    }

    /** The original's coroutine_test: the first send(None) primes it, the second is the value of the yield. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void sendResumesTheBodyWithTheValueOfItsYieldAndReturnsTheNextValueYielded(Kind kind) {
        List<String> printed = new ArrayList<>();
        Generator<String, String, String> gen = kind.make(y -> {
            String html = y.yield("http://projectsedu.com");
            printed.add(html);
            y.yield("2");
            y.yield("3");
            return "bobby";
        });
        assertEquals("http://projectsedu.com", gen.send(null));
        assertEquals("2", gen.send("bobby's html"));
        assertEquals(List.of("bobby's html"), printed);
        assertEquals("3", gen.next());
        StopIteration end = assertThrows(StopIteration.class, gen::next);
        assertEquals("bobby", end.value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void theCallThatFindsTheBodyFinishedThrowsStopIterationWithWhatItReturned(Kind kind) {
        Generator<Integer, Object, String> g = kind.make(y -> {
            y.yield(1);
            return "done";
        });
        assertEquals(1, g.next());
        StopIteration end = assertThrows(StopIteration.class, g::next);
        assertEquals("done", end.value());
        assertEquals("done", end.getMessage());
        assertEquals(0, end.getStackTrace().length, "a StopIteration is a signal and carries no stack trace");
        assertEquals(State.CLOSED, g.state());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void everyCallAfterTheEndThrowsStopIterationWithNoValue(Kind kind) {
        Generator<Integer, Integer, String> g = kind.make(y -> "done");
        assertEquals("done", assertThrows(StopIteration.class, g::next).value());
        assertNull(assertThrows(StopIteration.class, g::next).value());
        assertNull(assertThrows(StopIteration.class, () -> g.send(5)).value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void sendingANonNullValueToAJustStartedGeneratorIsAnError(Kind kind) {
        Generator<String, String, Object> g = kind.make(y -> {
            y.yield("started");
            return null;
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.send("too early"));
        assertTrue(e.getMessage().startsWith("can't send non-null value to a just-started generator"), e.getMessage());
        assertEquals(State.CREATED, g.state(), "the failed send changed nothing");
        assertEquals("started", g.send(null));
        g.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void stateIsCreatedRunningSuspendedThenClosed(Kind kind) {
        AtomicReference<Generator<State, Object, Object>> self = new AtomicReference<>();
        Generator<State, Object, Object> g = kind.make(y -> {
            y.yield(self.get().state());
            return null;
        });
        self.set(g);
        assertEquals(State.CREATED, g.state());
        assertEquals(State.RUNNING, g.next(), "inside its body, a generator is running");
        assertEquals(State.SUSPENDED, g.state());
        assertThrows(StopIteration.class, g::next);
        assertEquals(State.CLOSED, g.state());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aGeneratorIsIterableInAForLoop(Kind kind) {
        Generator<Integer, Object, Object> g = kind.make(y -> {
            for (int i = 0; i < 5; i++) y.yield(i * i);
            return "ignored by a for loop";
        });
        List<Integer> seen = new ArrayList<>();
        for (int square : g) seen.add(square);
        assertEquals(List.of(0, 1, 4, 9, 16), seen);
        assertEquals(State.CLOSED, g.state());
    }

    // ---------------------------------------------------------------- exceptions out of the body

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void anExceptionFromTheBodyComesOutUnchangedCheckedOrNotAndClosesTheGenerator(Kind kind) {
        IOException thrown = new IOException("download error");
        Generator<Integer, Object, Object> g = kind.make(y -> {
            y.yield(1);
            throw thrown;
        });
        g.next();
        Exception e = assertThrows(Exception.class, g::next);
        assertSame(thrown, e, "the very exception the body threw, not a wrapper");
        assertEquals(State.CLOSED, g.state());
        assertThrows(StopIteration.class, g::next);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aStopIterationEscapingTheBodyBecomesAnErrorPep479(Kind kind) {
        Generator<Integer, Object, Object> inner = kind.make(y -> null);
        Generator<Integer, Object, Object> outer = kind.make(y -> {
            y.yield(1);
            y.yield(inner.next()); // past the end of inner: StopIteration, not caught
            return "never";
        });
        assertEquals(1, outer.next());
        IllegalStateException e = assertThrows(IllegalStateException.class, outer::next);
        assertTrue(e.getMessage().startsWith("generator raised StopIteration"), e.getMessage());
        assertInstanceOf(StopIteration.class, e.getCause());
        assertEquals(State.CLOSED, outer.state());
    }

    // ---------------------------------------------------------------- throwIn

    /** The original's gen_throw: an exception thrown in at the yield, caught by the body, which goes on. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void throwInThrowsAtTheYieldAndReturnsTheNextValueIfTheBodyCatchesIt(Kind kind) {
        List<String> caught = new ArrayList<>();
        Generator<Object, Object, String> gen = kind.make(y -> {
            try {
                y.yield("http://projectsedu.com");
            } catch (Exception e) {
                caught.add(e.getMessage());
            }
            y.yield(2);
            y.yield(3);
            return "bobby";
        });
        assertEquals("http://projectsedu.com", gen.next());
        assertEquals(2, gen.throwIn(new Exception("download error")));
        assertEquals(List.of("download error"), caught);
        assertEquals(3, gen.next());
        Exception second = new Exception("download error");
        assertSame(second, assertThrows(Exception.class, () -> gen.throwIn(second)), "not caught: it comes out");
        assertEquals(State.CLOSED, gen.state());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void throwInIntoANeverStartedGeneratorClosesItWithoutRunningTheBodyAndThrows(Kind kind) {
        List<String> ran = new ArrayList<>();
        Generator<Object, Object, Object> g = kind.make(y -> {
            ran.add("body");
            return null;
        });
        IOException e = new IOException("early");
        assertSame(e, assertThrows(IOException.class, () -> g.throwIn(e)));
        assertEquals(State.CLOSED, g.state());
        assertEquals(List.of(), ran);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void throwInIntoAFinishedGeneratorThrowsTheException(Kind kind) {
        Generator<Object, Object, Object> g = kind.make(y -> null);
        assertThrows(StopIteration.class, g::next);
        IllegalArgumentException e = new IllegalArgumentException("late");
        assertSame(e, assertThrows(IllegalArgumentException.class, () -> g.throwIn(e)));
    }

    // ---------------------------------------------------------------- close

    /** The original's gen_close: close() raises GeneratorExit at the yield, and the body's finally runs. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void closeThrowsGeneratorExitAtTheYieldAndTheBodysFinallyRuns(Kind kind) {
        List<String> log = new ArrayList<>();
        Generator<Integer, Object, Object> g = kind.make(y -> {
            try {
                y.yield(1);
                log.add("after the yield");
            } catch (GeneratorExit e) {
                log.add("GeneratorExit");
                throw e;
            } finally {
                log.add("finally");
            }
            return null;
        });
        g.next();
        g.close();
        assertEquals(List.of("GeneratorExit", "finally"), log);
        assertEquals(State.CLOSED, g.state());
        assertThrows(StopIteration.class, g::next);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void catchExceptionDoesNotSwallowGeneratorExitBecauseItIsAnError(Kind kind) {
        List<String> log = new ArrayList<>();
        Generator<Integer, Object, Object> g = kind.make(y -> {
            try {
                y.yield(1);
            } catch (Exception e) { // does not catch GeneratorExit
                log.add("caught " + e);
            }
            log.add("after the try");
            return null;
        });
        g.next();
        g.close();
        assertEquals(List.of(), log);
        assertTrue(Error.class.isAssignableFrom(GeneratorExit.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aBodyThatYieldsAgainAfterCloseMakesCloseThrow(Kind kind) {
        Generator<Integer, Object, Object> g = kind.make(y -> {
            try {
                y.yield(1);
            } catch (GeneratorExit e) {
                y.yield(2); // ignores it
            }
            return null;
        });
        g.next();
        IllegalStateException e = assertThrows(IllegalStateException.class, g::close);
        assertTrue(e.getMessage().startsWith("generator ignored GeneratorExit"), e.getMessage());
        assertEquals(State.SUSPENDED, g.state(), "as in Python, it stays suspended at its second yield");
        assertThrows(StopIteration.class, g::next); // let it finish
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aBodyThatReturnsWhenClosedIsClosedQuietly(Kind kind) {
        Generator<Integer, Object, String> g = kind.make(y -> {
            try {
                y.yield(1);
            } catch (GeneratorExit e) {
                return "closed";
            }
            return "not closed";
        });
        g.next();
        g.close();
        assertEquals(State.CLOSED, g.state());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void anExceptionTheBodyThrowsWhileClosingComesOutOfClose(Kind kind) {
        Generator<Integer, Object, Object> g = kind.make(y -> {
            try {
                y.yield(1);
            } finally {
                throw new IllegalStateException("cleanup failed");
            }
        });
        g.next();
        assertEquals("cleanup failed", assertThrows(IllegalStateException.class, g::close).getMessage());
        assertEquals(State.CLOSED, g.state());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void closeOnAFinishedGeneratorDoesNothing(Kind kind) {
        Generator<Integer, Object, Object> g = kind.make(y -> null);
        assertThrows(StopIteration.class, g::next);
        g.close();
        g.close();
        assertEquals(State.CLOSED, g.state());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void closeOnANeverStartedGeneratorMarksItClosedWithoutRunningTheBody(Kind kind) {
        List<String> ran = new ArrayList<>();
        Generator<Integer, Object, Object> g = kind.make(y -> {
            ran.add("body");
            return null;
        });
        g.close();
        assertEquals(State.CLOSED, g.state());
        assertEquals(List.of(), ran);
        assertNull(assertThrows(StopIteration.class, g::next).value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void tryWithResourcesClosesTheGenerator(Kind kind) {
        List<String> log = new ArrayList<>();
        try (Generator<Integer, Object, Object> g = kind.make(y -> {
            try {
                while (true) y.yield(1);
            } finally {
                log.add("finally");
            }
        })) {
            assertEquals(1, g.next());
        }
        assertEquals(List.of("finally"), log);
    }

    // ---------------------------------------------------------------- one caller at a time

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aRunningGeneratorCannotBeResumedFromItsOwnBody(Kind kind) {
        AtomicReference<Generator<Object, Object, Object>> self = new AtomicReference<>();
        Generator<Object, Object, Object> g = kind.make(y -> self.get().next());
        self.set(g);
        IllegalStateException e = assertThrows(IllegalStateException.class, g::next);
        assertEquals("generator already executing", e.getMessage());
        assertEquals(State.CLOSED, g.state());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aRunningGeneratorCannotBeResumedFromAnotherThread(Kind kind) throws Exception {
        CountDownLatch running = new CountDownLatch(1), tried = new CountDownLatch(1);
        Generator<String, Object, Object> g = kind.make(y -> {
            running.countDown();
            assertTrue(tried.await(LIMIT_SECONDS, TimeUnit.SECONDS));
            y.yield("done");
            return null;
        });
        CompletableFuture<String> first = CompletableFuture.supplyAsync(g::next);
        assertTrue(running.await(LIMIT_SECONDS, TimeUnit.SECONDS));
        List<Throwable> second = new CopyOnWriteArrayList<>();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                g.next();
            } catch (Throwable e) {
                second.add(e);
            }
        });
        assertTrue(other.join(Duration.ofSeconds(LIMIT_SECONDS)));
        tried.countDown();
        assertEquals("done", first.get(LIMIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, second.size());
        assertEquals("generator already executing", second.get(0).getMessage());
        g.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void threadsMayResumeAGeneratorOneAfterTheOtherAndSeeWhatItDid(Kind kind) throws Exception {
        int[] box = new int[1]; // plain, unsynchronised: the generator's hand-overs must publish it
        Generator<Integer, Integer, Object> g = kind.make(y -> {
            int sent = 0;
            while (true) {
                box[0] += sent;
                sent = y.yield(box[0]);
            }
        });
        g.next();
        for (int i = 1; i <= 100; i++) {
            int n = i;
            int seen = CompletableFuture.supplyAsync(() -> g.send(n)).get(LIMIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(n * (n + 1) / 2, seen);
        }
        g.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aYielderUsedOutsideItsBodyIsAnError(Kind kind) throws Exception {
        AtomicReference<Yielder<Integer, Object>> kept = new AtomicReference<>();
        Generator<Integer, Object, Object> g = kind.make(y -> {
            kept.set(y);
            y.yield(1);
            return null;
        });
        g.next();
        assertThrows(IllegalStateException.class, () -> kept.get().yield(2), "from the caller's thread");
        assertEquals(State.SUSPENDED, g.state(), "the failed yield changed nothing");
        assertThrows(StopIteration.class, g::next);
        assertThrows(IllegalStateException.class, () -> kept.get().yield(3), "after the end");
    }
}
