package conclab.coro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import conclab.coro.Generator.State;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Yielder#yieldFrom}: PEP 380's delegation, on every kind of generator. */
class YieldFromTest {
    static java.util.stream.Stream<GeneratorTest.Kind> kinds() {
        return GeneratorTest.kinds();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void theSubGeneratorsValuesPassThroughAndItsReturnValueIsTheValueOfYieldFrom(GeneratorTest.Kind kind) {
        List<Object> results = new ArrayList<>();
        Generator<Integer, Object, Object> chain = kind.make(y -> {
            results.add(y.yieldFrom(kind.<Integer, Object, String>make(s -> {
                s.yield(1);
                s.yield(2);
                return "first done";
            })));
            results.add(y.yieldFrom(kind.<Integer, Object, String>make(s -> "empty")));
            y.yield(3);
            return null;
        });
        List<Integer> seen = new ArrayList<>();
        for (int i : chain) seen.add(i);
        assertEquals(List.of(1, 2, 3), seen);
        assertEquals(List.of("first done", "empty"), results);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void sendIsForwardedToTheSubGenerator(GeneratorTest.Kind kind) {
        List<String> received = new ArrayList<>();
        Generator<String, String, Object> outer = kind.make(y -> y.yieldFrom(kind.<String, String, Object>make(s -> {
            received.add(s.yield("ready"));
            received.add(s.yield("again"));
            return null;
        })));
        assertEquals("ready", outer.next());
        assertEquals("again", outer.send("a"));
        assertThrows(StopIteration.class, () -> outer.send("b"));
        assertEquals(List.of("a", "b"), received);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void throwInIsForwardedAndASubGeneratorThatCatchesItGoesOn(GeneratorTest.Kind kind) {
        List<String> caught = new ArrayList<>();
        Generator<String, Object, Object> outer = kind.make(y -> y.yieldFrom(kind.<String, Object, Object>make(s -> {
            try {
                s.yield("first");
            } catch (IllegalArgumentException e) {
                caught.add(e.getMessage());
            }
            s.yield("after the catch");
            return null;
        })));
        outer.next();
        assertEquals("after the catch", outer.throwIn(new IllegalArgumentException("thrown in")));
        assertEquals(List.of("thrown in"), caught);
        outer.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void anExceptionTheSubGeneratorLetsThroughReachesTheDelegatingGenerator(GeneratorTest.Kind kind) {
        List<String> caught = new ArrayList<>();
        Generator<String, Object, Object> outer = kind.make(y -> {
            try {
                y.yieldFrom(kind.<String, Object, Object>make(s -> {
                    s.yield("first");
                    return null;
                }));
            } catch (IllegalArgumentException e) {
                caught.add("delegator caught " + e.getMessage());
            }
            y.yield("delegator goes on");
            return null;
        });
        outer.next();
        assertEquals("delegator goes on", outer.throwIn(new IllegalArgumentException("boom")));
        assertEquals(List.of("delegator caught boom"), caught);
        outer.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void closeIsForwardedToTheSubGeneratorThenEndsTheDelegatingOne(GeneratorTest.Kind kind) {
        List<String> log = new ArrayList<>();
        Generator<String, Object, Object> sub = kind.make(s -> {
            try {
                s.yield("sub");
            } finally {
                log.add("sub finally");
            }
            return null;
        });
        Generator<String, Object, Object> outer = kind.make(y -> {
            try {
                return y.yieldFrom(sub);
            } finally {
                log.add("outer finally");
            }
        });
        outer.next();
        outer.close();
        assertEquals(List.of("sub finally", "outer finally"), log);
        assertEquals(State.CLOSED, sub.state());
        assertEquals(State.CLOSED, outer.state());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void delegationThreeDeepForwardsSendsThrowsAndReturnValues(GeneratorTest.Kind kind) {
        List<String> log = new ArrayList<>();
        Generator<String, Integer, Integer> top = kind.make(a -> {
            int fromMiddle = a.yieldFrom(kind.<String, Integer, Integer>make(b -> {
                int fromBottom = b.yieldFrom(kind.<String, Integer, Integer>make(c -> {
                    int sum = 0;
                    while (true) {
                        Integer x;
                        try {
                            x = c.yield("bottom has " + sum);
                        } catch (ArithmeticException e) {
                            log.add("bottom caught " + e.getMessage());
                            continue;
                        }
                        if (x == null) return sum;
                        sum += x;
                    }
                }));
                log.add("middle got " + fromBottom);
                return fromBottom * 10;
            }));
            log.add("top got " + fromMiddle);
            return fromMiddle + 1;
        });
        assertEquals("bottom has 0", top.next());
        assertEquals("bottom has 5", top.send(5));
        assertEquals("bottom has 5", top.throwIn(new ArithmeticException("thrown three deep")));
        assertEquals("bottom has 12", top.send(7));
        StopIteration end = assertThrows(StopIteration.class, () -> top.send(null));
        assertEquals(121, end.value());
        assertEquals(List.of("bottom caught thrown three deep", "middle got 12", "top got 120"), log);
    }

    /** The original's yield_from_example: main sends sales figures to middle, which delegates to sales_sum. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void theOriginalsSalesSumExampleGivesItsFinalResult(GeneratorTest.Kind kind) {
        Map<String, List<Object>> finalResult = new LinkedHashMap<>();
        Map<String, List<Integer>> dataSets = new LinkedHashMap<>();
        dataSets.put("bobby牌面膜", List.of(1200, 1500, 3000));
        dataSets.put("bobby牌手机", List.of(28, 55, 98, 108));
        dataSets.put("bobby牌大衣", List.of(280, 560, 778, 70));
        for (var entry : dataSets.entrySet()) {
            String key = entry.getKey();
            Generator<Object, Integer, Object> middle = kind.make(m -> {
                while (true) {
                    finalResult.put(key, m.yieldFrom(salesSum(kind)));
                }
            });
            middle.send(null);
            for (int value : entry.getValue()) middle.send(value);
            middle.send(null);
            middle.close();
        }
        assertEquals("{bobby牌面膜=[5700, [1200, 1500, 3000]], bobby牌手机=[289, [28, 55, 98, 108]],"
                + " bobby牌大衣=[1688, [280, 560, 778, 70]]}", finalResult.toString());
    }

    static Generator<Object, Integer, List<Object>> salesSum(GeneratorTest.Kind kind) {
        return kind.make(y -> {
            int total = 0;
            List<Integer> nums = new ArrayList<>();
            while (true) {
                Integer x = y.yield(null);
                if (x == null) break;
                total += x;
                nums.add(x);
            }
            return List.of(total, nums);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void yieldFromARunningGeneratorIsAnError(GeneratorTest.Kind kind) {
        java.util.concurrent.atomic.AtomicReference<Generator<Object, Object, Object>> self = new java.util.concurrent.atomic.AtomicReference<>();
        Generator<Object, Object, Object> g = kind.make(y -> y.yieldFrom(self.get()));
        self.set(g);
        IllegalStateException e = assertThrows(IllegalStateException.class, g::next);
        assertSame(IllegalStateException.class, e.getClass());
        assertEquals("generator already executing", e.getMessage());
    }

    /**
     * In Python, {@code _s = yield _y} raises only what the caller threw in. A Java yield can fail by itself (here:
     * called outside its body, with a yielder kept from a run that ended): yieldFrom must not throw that failure into
     * the sub-generator as if the caller had, but close the sub-generator and let the failure out.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aFailureOfTheYieldItselfClosesTheSubGeneratorAndIsNotThrownIntoIt(GeneratorTest.Kind kind) {
        List<String> subSaw = new ArrayList<>();
        Generator<String, Object, String> sub = kind.make(s -> {
            try {
                for (int i = 0; i < 3; i++) {
                    try {
                        s.yield("sub " + i);
                    } catch (RuntimeException e) {
                        subSaw.add("caught " + e.getClass().getSimpleName());
                    }
                }
                return "sub returned";
            } finally {
                subSaw.add("finally");
            }
        });
        java.util.concurrent.atomic.AtomicReference<Yielder<String, Object>> kept = new java.util.concurrent.atomic.AtomicReference<>();
        Generator<String, Object, Object> ended = kind.make(y -> {
            kept.set(y);
            return null;
        });
        assertThrows(StopIteration.class, ended::next);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> kept.get().yieldFrom(sub));
        assertEquals(true, e.getMessage().startsWith("yield called outside the body"), e.getMessage());
        assertEquals(List.of("finally"), subSaw, "the sub-generator was closed, and was thrown nothing into");
        assertEquals(State.CLOSED, sub.state());
    }
}
