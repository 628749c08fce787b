package conclab.kernel.engine;

/** Code to instrument in StopCheckTest: a loop, a recursion, and a method with neither. */
public class Spinner {
    public static volatile long turns;

    public static void spin() {
        while (true) turns++;
    }

    public static long deep(long n) {
        return n <= 0 ? 0 : 1 + deep(n - 1) + deep(n - 2) * 0;
    }

    public static int straight(int x) {
        return x + 1;
    }
}
