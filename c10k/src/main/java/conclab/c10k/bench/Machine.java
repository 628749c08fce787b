package conclab.c10k.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine the benchmark ran on, and the limits that stop C10K (and C10M) first, read from it when the
 * benchmark starts, never assumed. The kernel's release, the descriptor limit, the memory and the load average are
 * read through the JDK where there is no {@code /proc} (macOS), the kernel's release with {@code uname -r}, and the
 * processor, the accept backlog's cap and the ports with {@code sysctl}; a figure that cannot be read there is null,
 * and {@code ?} in {@link #summary}.
 *
 * @param cores            processors available to the JVM
 * @param model            {@code model name} in /proc/cpuinfo
 * @param kernel           the kernel's release ({@code uname -r}; {@code /proc/sys/kernel/osrelease} on Linux)
 * @param jdk              the JDK's vendor and version (every JVM of the benchmark runs it)
 * @param date             when the benchmark started, with the offset from UTC
 * @param openFiles        descriptors per process (the soft {@code Max open files} in /proc/self/limits, which
 *                         the servers and clients inherit)
 * @param maxProcesses     processes and threads per user (the soft {@code Max processes})
 * @param ipLocalPortRange the ephemeral ports a client may connect from, {@code "first last"}
 * @param somaxconn        the accept backlog's cap
 * @param pidMax           the highest pid (threads take pids too)
 * @param threadsMax       threads in the whole system
 * @param memoryBytes      the machine's memory ({@code MemTotal})
 * @param loadAverage      the one-minute load average when the benchmark started ({@code /proc/loadavg}: a decaying
 *                         average of runnable and uninterruptible tasks): above the core count, other work may have
 *                         shared the cores
 * @param cpusMeasured     the processors whose busy time a run's {@code otherCpu} measures (online ones the
 *                         benchmark may run on, {@link conclab.threads.CpuUse#measured()}); null where none can be read
 */
record Machine(int cores, String model, String kernel, String jdk, String date, Long openFiles, Long maxProcesses,
               String ipLocalPortRange, Long somaxconn, Long pidMax, Long threadsMax, Long memoryBytes,
               Double loadAverage, Integer cpusMeasured) {

    /** This machine, now. */
    static Machine read() {
        String limits = read("/proc/self/limits");
        Long memoryKb = number(read("/proc/meminfo"), "MemTotal:\\s+(\\d+) kB");
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        var unix = os instanceof com.sun.management.UnixOperatingSystemMXBean u ? u : null; // Linux and macOS
        Long openFiles = number(limits, "Max open files\\s+(\\d+)");
        String loadAverage = read("/proc/loadavg");
        int measured = conclab.threads.CpuUse.measured();
        return new Machine(Runtime.getRuntime().availableProcessors(),
                Objects.requireNonNullElseGet(first(read("/proc/cpuinfo"), "(?m)^model name\\s*:\\s*(.+)$"),
                        () -> command("sysctl", "-n", "machdep.cpu.brand_string")),
                Objects.requireNonNullElseGet(read("/proc/sys/kernel/osrelease"), () -> command("uname", "-r")),
                System.getProperty("java.vm.vendor") + " " + Runtime.version(),
                OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                openFiles != null || unix == null ? openFiles : (Long) unix.getMaxFileDescriptorCount(),
                number(limits, "Max processes\\s+(\\d+)"),
                read("/proc/sys/net/ipv4/ip_local_port_range") != null
                        ? read("/proc/sys/net/ipv4/ip_local_port_range").replaceAll("\\s+", " ")
                        : join(command("sysctl", "-n", "net.inet.ip.portrange.first"), command("sysctl", "-n", "net.inet.ip.portrange.last")),
                Objects.requireNonNullElseGet(number(read("/proc/sys/net/core/somaxconn"), "(\\d+)"),
                        () -> number(command("sysctl", "-n", "kern.ipc.somaxconn"), "(\\d+)")),
                number(read("/proc/sys/kernel/pid_max"), "(\\d+)"),
                number(read("/proc/sys/kernel/threads-max"), "(\\d+)"),
                memoryKb != null ? (Long) (memoryKb * 1024) : unix == null ? null : (Long) unix.getTotalMemorySize(),
                loadAverage != null ? Double.valueOf(loadAverage.split("\\s+")[0])
                        : os.getSystemLoadAverage() < 0 ? null : (Double) os.getSystemLoadAverage(),
                measured > 0 ? (Integer) measured : null);
    }

    /** The fields by their JSON names, in order. */
    Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("cores", cores);
        f.put("model", model);
        f.put("kernel", kernel);
        f.put("jdk", jdk);
        f.put("date", date);
        f.put("openFiles", openFiles);
        f.put("maxProcesses", maxProcesses);
        f.put("ipLocalPortRange", ipLocalPortRange);
        f.put("somaxconn", somaxconn);
        f.put("pidMax", pidMax);
        f.put("threadsMax", threadsMax);
        f.put("memoryBytes", memoryBytes);
        f.put("loadAverage", loadAverage);
        f.put("cpusMeasured", cpusMeasured);
        return f;
    }

    /** One line for the top of the report. */
    String summary() {
        return ("%d cores (%s), " + System.getProperty("os.name") + " %s, %s; limits: %s descriptors per process, ports %s, somaxconn %s,"
                + " pid_max %s, threads-max %s, %s GB; load average %s at the start").formatted(cores, known(model), known(kernel), jdk,
                        known(openFiles), known(ipLocalPortRange), known(somaxconn), known(pidMax), known(threadsMax),
                        memoryBytes == null ? "?" : Math.round(memoryBytes / 1e9), known(loadAverage));
    }

    /** {@code value}, or {@code ?} if it could not be read. */
    static String known(Object value) {
        return value == null ? "?" : value.toString();
    }

    /** {@code "a b"}, or null if either is null. */
    static String join(String a, String b) {
        return a == null || b == null ? null : a + " " + b;
    }

    /** The first line a command prints, or null if it cannot run, fails or prints nothing. */
    private static String command(String... command) {
        var out = Child.linesOf(java.util.List.of(command), java.time.Duration.ofSeconds(10));
        return out != null && !out.isEmpty() && !out.getFirst().isBlank() ? out.getFirst().strip() : null;
    }

    private static String read(String file) {
        try {
            return String.join("\n", Files.readAllLines(Path.of(file))).strip(); // not readString: /proc files have no size
        } catch (IOException e) {
            return null;
        }
    }

    private static String first(String text, String regex) {
        if (text == null) return null;
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group(1).strip() : null;
    }

    private static Long number(String text, String regex) {
        String n = first(text, regex);
        return n == null ? null : Long.valueOf(n);
    }
}
