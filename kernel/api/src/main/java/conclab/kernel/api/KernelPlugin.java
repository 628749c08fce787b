package conclab.kernel.api;

/**
 * A kernel plug-in: magics (and code every session starts with) that a course ships without rebuilding the
 * kernel. The exercise cells of conclab ({@code %%solution}, {@code %check}, {@code %%answer}) are one.
 *
 * <p><b>Packaging.</b> A plug-in is a folder of jars in {@code plugins/} beside the kernel's jar, one folder
 * per plug-in: its own jar, which names its implementation of this interface in
 * {@code META-INF/services/conclab.kernel.api.KernelPlugin}, and the jars it needs. The kernel loads each
 * folder with a class loader of its own, whose parent is the kernel's (so this API is the kernel's copy:
 * compile against it with scope {@code provided}), and finds the plug-ins with {@link java.util.ServiceLoader}.
 *
 * <p><b>Contract.</b> The kernel calls {@link #register} once, on its main thread, before the first cell
 * runs. A plug-in that throws there, or that names a magic another one already has, is reported in the first
 * cell's output and the kernel goes on without what failed. A plug-in must have a public no-argument
 * constructor.
 */
public interface KernelPlugin {
    /** Adds this plug-in's magics and startup code to {@code registry}; keep what you need of it. */
    void register(Registry registry);
}
