package conclab.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BytecodeTest {
    @Test
    void countPlusPlusIsAReadAnAddAndAWrite() {
        String code = Bytecode.of(Examples.class, "increment");
        // Constant-pool numbers depend on the compiler; the instructions do not.
        String ops = code.lines().skip(1).map(l -> l.strip().split("\\s+")[1]).reduce((a, b) -> a + " " + b).orElse("");
        assertEquals("public static void increment();", code.lines().findFirst().orElse(""));
        assertEquals("getstatic iconst_1 iadd putstatic return", ops, code);
    }

    @Test
    void synchronizedBracketsTheStepsWithMonitorInstructions() {
        String code = Bytecode.of(Examples.class, "incrementSynchronized");
        org.junit.jupiter.api.Assertions.assertTrue(code.contains("monitorenter") && code.contains("monitorexit"), code);
    }

    @Test
    void anUnknownMethodIsSaidSo() {
        var e = assertThrows(IllegalArgumentException.class, () -> Bytecode.of(Examples.class, "nope"));
        assertEquals("conclab.memory.Examples has no method nope", e.getMessage());
    }
}
