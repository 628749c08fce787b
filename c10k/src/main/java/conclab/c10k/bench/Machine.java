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
 * read through the JDK where there is no {@code /proc} (macOS); a figure that cannot be read there is null.
 *
 * @param cores            processors available to the JVM
 * @param model            {@code model name} in /proc/cpuinfo
 * @param kernel           the kernel's release ({@code uname -r})
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
 * @param loadAverage      the load average over the last minute when the benchmark started ({@code /proc/loadavg}):
 *                         above the core count, other work shared the cores and the figures are slower than the
 *                         machine can do
 */
record Machine(int cores, String model, String kernel, String jdk, String date, Long openFiles, Long maxProcesses,
               String ipLocalPortRange, Long somaxconn, Long pidMax, Long threadsMax, Long memoryBytes,
               Double loadAverage) {

    /** This machine, now. */
    static Machine read() {
        String limits = read("/proc/self/limits");
        Long memoryKb = number(read("/proc/meminfo"), "MemTotal:\\s+(\\d+) kB");
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        var unix = os instanceof com.sun.management.UnixOperatingSystemMXBean u ? u : null; // Linux and macOS
        Long openFiles = number(limits, "Max open files\\s+(\\d+)");
        String loadAverage = read("/proc/loadavg");
        return new Machine(Runtime.getRuntime().availableProcessors(),
                first(read("/proc/cpuinfo"), "(?m)^model name\\s*:\\s*(.+)$"),
                Objects.requireNonNullElse(read("/proc/sys/kernel/osrelease"), System.getProperty("os.version")),
                System.getProperty("java.vm.vendor") + " " + Runtime.version(),
                OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                openFiles != null || unix == null ? openFiles : (Long) unix.getMaxFileDescriptorCount(),
                number(limits, "Max processes\\s+(\\d+)"),
                read("/proc/sys/net/ipv4/ip_local_port_range") == null ? null
                        : read("/proc/sys/net/ipv4/ip_local_port_range").replaceAll("\\s+", " "),
                number(read("/proc/sys/net/core/somaxconn"), "(\\d+)"),
                number(read("/proc/sys/kernel/pid_max"), "(\\d+)"),
                number(read("/proc/sys/kernel/threads-max"), "(\\d+)"),
                memoryKb != null ? (Long) (memoryKb * 1024) : unix == null ? null : (Long) unix.getTotalMemorySize(),
                loadAverage != null ? Double.valueOf(loadAverage.split("\\s+")[0])
                        : os.getSystemLoadAverage() < 0 ? null : (Double) os.getSystemLoadAverage());
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
        return f;
    }

    /** One line for the top of the report. */
    String summary() {
        return ("%d cores (%s), " + System.getProperty("os.name") + " %s, %s; limits: %s descriptors per process, ports %s, somaxconn %s,"
                + " pid_max %s, threads-max %s, %s GB; load average %s at the start").formatted(cores, model, kernel, jdk, openFiles, ipLocalPortRange, somaxconn, pidMax, threadsMax,
                        memoryBytes == null ? "?" : Math.round(memoryBytes / 1e9), loadAverage);
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
