import java.util.Arrays;
import jdk.jshell.JShell;
import jdk.jshell.SnippetEvent;

/**
 * The floor under a kernel's steady cell: JShell's own local engine (compile and run in this JVM, no second
 * JVM, no protocol) evaluating {@code 1+1}. Prints the median of ROUNDS evaluations, in seconds, after WARM
 * evaluations to warm the compiler; bench/kernel.py divides the kernel's steady round trip by it.
 *
 *     java bench/JShellFloor.java [ROUNDS] [WARM]
 */
public class JShellFloor {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        try (JShell shell = JShell.builder().executionEngine("local").build()) {
            for (int i = 0; i < warm; i++) eval(shell);
            long[] nanos = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                eval(shell);
                nanos[i] = System.nanoTime() - t0;
            }
            Arrays.sort(nanos);
            System.out.printf("%.6f%n", nanos[rounds / 2] / 1e9);
        }
    }

    private static void eval(JShell shell) {
        for (SnippetEvent e : shell.eval("1+1")) {
            if (e.exception() != null || !"2".equals(e.value())) throw new IllegalStateException("1+1 gave " + e.value());
        }
    }
}
