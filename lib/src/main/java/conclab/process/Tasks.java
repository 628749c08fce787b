package conclab.process;

import java.nio.file.Path;

/**
 * Ready-made {@link ChildTask}s for the notebooks, and the CPU-bound function they are about.
 *
 * <pre>{@code
 * pool.map(Tasks.Fib.class, List.of("30", "31", "32", "33"))   // CPU-bound: each child uses a core
 * pool.map(Tasks.Sleep.class, List.of("500", "500"))           // I/O-like: the children only wait
 * pool.map(Tasks.Get.class, shop.urls())                       // I/O: each child downloads pages
 * pool.submit(Tasks.Length.class, "x".repeat(1_000_000))       // "1000000": what sending data costs
 * pool.submit(Tasks.Print.class, "hello\nworld")               // output of a child, marked with its pid
 * pool.submit(Tasks.Exit.class, "3")                           // a child that dies: its future fails
 * pool.submit(Tasks.Increment.class, "hits 1000 " + manager.socket())   // see MapManager
 * }</pre>
 */
public final class Tasks {
    private Tasks() {}

    /**
     * The n-th Fibonacci number, computed the slow way on purpose: about fib(n) calls, so each step of n
     * costs 1.6 times more. Once the JIT has compiled it, fib(30) takes a few milliseconds and fib(34) some
     * tens of milliseconds on a laptop core; before that (the first calls in a new JVM), many times more.
     */
    public static long fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    /** Input: n; answer: {@link #fib fib(n)}. */
    public static final class Fib implements ChildTask {
        @Override
        public String run(String input) {
            return Long.toString(fib(Integer.parseInt(input.strip())));
        }
    }

    /**
     * Input: any text; answers its length in characters. Its cost is the trip: the text goes to the child
     * through a pipe, escaped and encoded, and the answer comes back the same way.
     */
    public static final class Length implements ChildTask {
        @Override
        public String run(String input) {
            return Integer.toString(input.length());
        }
    }

    /** Input: an {@code http://} URL; downloads it with {@link conclab.web.Web#get} and answers the page's length: I/O in a child. */
    public static final class Get implements ChildTask {
        @Override
        public String run(String input) {
            return Integer.toString(conclab.web.Web.get(input.strip()).length());
        }
    }

    /** Input: milliseconds; prints that it sleeps, sleeps that long, answers {@code "slept N ms"}. */
    public static final class Sleep implements ChildTask {
        @Override
        public String run(String input) throws InterruptedException {
            long millis = Long.parseLong(input.strip());
            System.out.println("sleeps " + millis + " ms");
            Thread.sleep(millis);
            return "slept " + millis + " ms";
        }
    }

    /** Input: any text; prints its lines on {@code System.out}, then a count on {@code System.err}; answers the count. */
    public static final class Print implements ChildTask {
        @Override
        public String run(String input) {
            var lines = input.lines().toList();
            lines.forEach(System.out::println);
            System.err.println("printed " + lines.size() + " lines");
            return Integer.toString(lines.size());
        }
    }

    /** Input: an exit code; says so on {@code System.err}, then ends the child's JVM with {@code System.exit}. */
    public static final class Exit implements ChildTask {
        @Override
        public String run(String input) {
            int code = Integer.parseInt(input.strip());
            System.err.println("exits with code " + code);
            System.exit(code);
            return "unreachable";
        }
    }

    /** Input: ignored; answers the process id of the child that runs it. */
    public static final class Pid implements ChildTask {
        @Override
        public String run(String input) {
            return Long.toString(ProcessHandle.current().pid());
        }
    }

    /** Input: {@code KEY TIMES SOCKET}; adds 1 to KEY of the {@link SharedMap} at SOCKET, TIMES times, one request each. */
    public static final class Increment implements ChildTask {
        @Override
        public String run(String input) {
            String[] words = input.split(" ", 3);
            try (var map = SharedMap.connect(Path.of(words[2]))) {
                for (int i = Integer.parseInt(words[1]); i > 0; i--) map.increment(words[0]);
                return Long.toString(map.get(words[0]));
            }
        }
    }

    /**
     * Input: {@code KEY TIMES SOCKET}; like {@link Increment}, but each time in two requests, {@code get} then
     * {@code put}: with other processes doing the same, updates get lost.
     */
    public static final class GetThenPut implements ChildTask {
        @Override
        public String run(String input) {
            String[] words = input.split(" ", 3);
            try (var map = SharedMap.connect(Path.of(words[2]))) {
                for (int i = Integer.parseInt(words[1]); i > 0; i--) map.put(words[0], map.get(words[0]) + 1);
                return Long.toString(map.get(words[0]));
            }
        }
    }
}
