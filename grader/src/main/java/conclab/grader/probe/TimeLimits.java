package conclab.grader.probe;

import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Makes every time limit that the learner's code gives a wait days long, in an {@link InstrumentedCopy}: a wait then
 * ends only when what it waits for happens (or on an interrupt), never because its time ran out. A thread that polls
 * (waits with a time limit, looks, and waits again, whatever the period) waits for good in such a copy, while one
 * parked where the event it waits for wakes it (a semaphore's {@code tryAcquire(1, SECONDS)} in a loop, a
 * {@code CompletionService}'s {@code poll(1, SECONDS)}) is woken as before: a test can tell them apart without timing.
 *
 * <p>What is rewritten, in the arguments of each call the learner's code makes, whatever the callee: the unit of a
 * call whose last two parameters are a {@code long} and a {@code TimeUnit} becomes {@code DAYS} (but
 * {@code TimeUnit.convert}'s, which waits for nothing); the last {@code long}, {@code Duration} or {@code Date} of a
 * call of {@code wait}, {@code sleep}, {@code join}, {@code parkNanos}, {@code parkUntil}, {@code awaitNanos},
 * {@code awaitUntil}, {@code timedWait} or {@code timedJoin} becomes days or years (the nanos of
 * {@code wait(millis, nanos)} are dropped). A limit of zero or less, and a null, stay as they are: no wait is made
 * where there was none.
 *
 * <p>The static {@code stretch} methods are what the rewritten code calls: public, as that code is in another class
 * loader. Thread-safe: they keep no state.
 */
public final class TimeLimits {
    private static final ClassDesc SELF = ClassDesc.of(TimeLimits.class.getName());
    private static final ClassDesc UNIT = ClassDesc.of(TimeUnit.class.getName());
    private static final ClassDesc DURATION = ClassDesc.of(Duration.class.getName());
    private static final ClassDesc DATE = ClassDesc.of(Date.class.getName());
    private static final Set<String> TIMED = Set.of("wait", "sleep", "join", "parkNanos", "parkUntil", "awaitNanos",
            "awaitUntil", "timedWait", "timedJoin");

    private TimeLimits() {}

    /** A rewrite that makes every time limit days long, and changes nothing else. */
    public static InstrumentedCopy.Rewrite stretched() {
        return (cls, method) -> (code, e) -> {
            if (e instanceof InvokeInstruction i) stretch(code, i);
            code.with(e);
        };
    }

    /**
     * Inserts, just before {@code call} (its arguments on the stack), the calls that make its time limit days long,
     * if it has one; nothing otherwise. The caller then adds {@code call} itself.
     */
    public static void stretch(CodeBuilder code, InvokeInstruction call) {
        ClassDesc owner = call.owner().asSymbol();
        String name = call.name().stringValue();
        List<ClassDesc> params = call.typeSymbol().parameterList();
        int n = params.size();
        ClassDesc last = n == 0 ? null : params.get(n - 1);
        if (n >= 2 && UNIT.equals(last) && params.get(n - 2).equals(CD_long)
                && !(owner.equals(UNIT) && name.equals("convert"))) {
            code.invokestatic(SELF, "stretch", MethodTypeDesc.of(UNIT, UNIT));
        } else if (!TIMED.contains(name)) {
            return;
        } else if (CD_long.equals(last)) {
            code.invokestatic(SELF, "stretch", MethodTypeDesc.of(CD_long, CD_long));
        } else if (n >= 2 && CD_int.equals(last) && params.get(n - 2).equals(CD_long)) {
            code.pop(); // wait(millis, nanos): the nanos dropped, the millis stretched
            code.invokestatic(SELF, "stretch", MethodTypeDesc.of(CD_long, CD_long));
            code.iconst_0();
        } else if (DURATION.equals(last)) {
            code.invokestatic(SELF, "stretch", MethodTypeDesc.of(DURATION, DURATION));
        } else if (DATE.equals(last)) {
            code.invokestatic(SELF, "stretch", MethodTypeDesc.of(DATE, DATE));
        }
    }

    /** A time limit's unit: days, whatever it was. */
    public static TimeUnit stretch(TimeUnit unit) {
        return unit == null ? null : TimeUnit.DAYS;
    }

    /** A time limit in milliseconds or nanoseconds, or a deadline: days or years away (none stays none). */
    public static long stretch(long time) {
        return time <= 0 ? time : 1_000_000_000_000_000L;
    }

    /** A time limit: days long. */
    public static Duration stretch(Duration time) {
        return time == null || time.isNegative() || time.isZero() ? time : Duration.ofDays(10_000);
    }

    /** A deadline: years away. */
    public static Date stretch(Date deadline) {
        return deadline == null ? null : new Date(Long.MAX_VALUE / 2);
    }
}
