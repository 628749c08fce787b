package conclab.kernel.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The weaving of the JDK classes the agent touches, checked on this JDK's own class files. */
class AgentTest {
    static byte[] jdk(String internalName) throws Exception {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Calls to the hooks per method name, in the woven class. */
    static Map<String, Long> hookCalls(byte[] woven) {
        ClassModel model = ClassFile.of().parse(woven);
        var counts = new java.util.TreeMap<String, Long>();
        for (var m : model.methods()) {
            long n = m.code().map(code -> code.elementStream()
                    .filter(e -> e instanceof InvokeInstruction i && i.owner().asInternalName().equals("java/util/concurrent/ConclabHooks"))
                    .count()).orElse(0L);
            if (n > 0) counts.merge(m.methodName().stringValue(), n, Long::sum);
        }
        return counts;
    }

    @Test
    void everyTargetOfThisJdkIsFoundAndWoven() throws Exception {
        assertEquals(Map.of("execute", 1L, "runWorker", 1L),
                hookCalls(Agent.weave("java/util/concurrent/ThreadPoolExecutor", jdk("java/util/concurrent/ThreadPoolExecutor"))));
        assertEquals(Map.of("delayedExecute", 1L),
                hookCalls(Agent.weave("java/util/concurrent/ScheduledThreadPoolExecutor", jdk("java/util/concurrent/ScheduledThreadPoolExecutor"))));
        assertEquals(Map.of("poolSubmit", 1L, "externalSubmit", 1L),
                hookCalls(Agent.weave("java/util/concurrent/ForkJoinPool", jdk("java/util/concurrent/ForkJoinPool"))));
        Map<String, Long> task = hookCalls(Agent.weave("java/util/concurrent/ForkJoinTask", jdk("java/util/concurrent/ForkJoinTask")));
        assertEquals(1L, task.get("fork"));
        assertTrue(task.get("doExec") >= 2, "enter, and exit before each return: " + task);
        assertEquals(Map.of("sched", 1L), hookCalls(Agent.weave("java/util/Timer", jdk("java/util/Timer"))));
        assertEquals(Map.of("mainLoop", 1L), hookCalls(Agent.weave("java/util/TimerThread", jdk("java/util/TimerThread"))));
        assertEquals(Map.of("start", 2L), hookCalls(Agent.weave("java/lang/Thread", jdk("java/lang/Thread"))));
        assertEquals(Map.of("start", 1L), hookCalls(Agent.weave("java/lang/VirtualThread", jdk("java/lang/VirtualThread"))));
    }

    @Test
    void aMissingTargetIsAnErrorNotASilentNoOp() {
        var e = assertThrows(IllegalStateException.class,
                () -> Agent.weave("java/util/Timer", ClassFile.of().build(ClassDesc.of("java.util.Timer"), b -> { })));
        assertTrue(e.getMessage().contains("sched"));
    }

    @Test
    void theHooksClassIsRenamedWhole() throws Exception {
        byte[] original;
        try (InputStream in = Agent.class.getClassLoader().getResourceAsStream("conclab/kernel/hooks/Hooks.class")) {
            original = in.readAllBytes();
        }
        byte[] renamed = Agent.rename(original, ClassDesc.of("conclab.kernel.hooks.Hooks"), ClassDesc.of(Agent.HOOKS_NAME));
        ClassModel model = ClassFile.of().parse(renamed);
        assertEquals("java/util/concurrent/ConclabHooks", model.thisClass().asInternalName());
        assertFalse(new String(renamed, java.nio.charset.StandardCharsets.ISO_8859_1).contains("conclab/kernel/hooks"),
                "no reference to the old name may remain");
        var methods = model.methods().stream().map(m -> m.methodName().stringValue()).toList();
        assertTrue(methods.containsAll(java.util.List.of("submitted", "enter", "exit", "run", "starting")), methods.toString());
    }
}
