package conclab.kernel.engine;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's Java agent ({@code -javaagent:conclab-engine.jar}): weaves calls to the hooks of
 * {@link conclab.kernel.hooks.Hooks} into a few JDK classes, so that the engine knows which cell submitted
 * a task and which cell started a thread.
 *
 * <p>Without it, a pool thread carries the cell of whoever created the pool, and the common pool's threads
 * carry none: the output, the errors and the interrupt of a task would go to the wrong cell. The woven
 * code only records and restores ownership; it changes no behaviour of the JDK's classes, except that a
 * task of an interrupted cell is not started (see {@link TaskOwners#skip}).
 *
 * <p>The JDK's classes must see the hooks, and {@code java.base} sees only itself: the agent copies the
 * hooks class into {@code java.base}, renamed {@link #HOOKS_NAME}, through a lookup that the agent opens
 * itself. (Appending a jar to the boot class path would do too, but it turns off class data sharing for
 * every other class, and the engine would start slower.) The hooks class must exist before the first
 * woven method runs, so it is defined before anything is woven.
 *
 * <p>What it weaves is kept in a {@link WovenCache} (the folder its argument names), so that a later start with the
 * same JDK and the same agent jar reads the woven classes instead of weaving them again.
 *
 * <p>Problems (a JDK whose classes changed) are collected in {@link #problems} instead of stopping the
 * engine, which then runs without ownership of tasks.
 */
public final class Agent {
    private Agent() {}

    /** The name of the hooks class inside {@code java.base}. */
    static final String HOOKS_NAME = "java.util.concurrent.ConclabHooks";
    private static final ClassDesc HOOKS = ClassDesc.of(HOOKS_NAME);
    private static final MethodTypeDesc OBJECT_OBJECT_VOID = MethodTypeDesc.ofDescriptor("(Ljava/lang/Object;Ljava/lang/Object;)V");
    private static final MethodTypeDesc RUNNABLE_VOID = MethodTypeDesc.ofDescriptor("(Ljava/lang/Runnable;)V");
    private static final MethodTypeDesc OBJECT_TO_OBJECT = MethodTypeDesc.ofDescriptor("(Ljava/lang/Object;)Ljava/lang/Object;");
    private static final MethodTypeDesc OBJECT_VOID = MethodTypeDesc.ofDescriptor("(Ljava/lang/Object;)V");
    private static final MethodTypeDesc THREAD_VOID = MethodTypeDesc.ofDescriptor("(Ljava/lang/Thread;)V");
    private static final MethodTypeDesc VOID = MethodTypeDesc.ofDescriptor("()V");

    /** How a method is woven. */
    private enum Weave {
        /** At the start: {@code Hooks.submitted(this or null, task argument)}. */
        SUBMITTED,
        /** Every {@code task.run()} becomes {@code Hooks.run(task)}. */
        RUN,
        /** {@code Hooks.enter(this)} at the start, {@code Hooks.exit(token)} before every return. */
        ENTER_EXIT,
        /** At the start: {@code Hooks.starting(this)}. */
        STARTING
    }

    /** A method to weave: class (internal name), name, descriptor, how, and the slot of the task argument. */
    private record Target(String className, String method, String descriptor, Weave weave, int slot) {}

    private static final List<Target> TARGETS = List.of(
            new Target("java/util/concurrent/ThreadPoolExecutor", "execute", "(Ljava/lang/Runnable;)V", Weave.SUBMITTED, 1),
            new Target("java/util/concurrent/ThreadPoolExecutor", "runWorker", "(Ljava/util/concurrent/ThreadPoolExecutor$Worker;)V", Weave.RUN, 0),
            new Target("java/util/concurrent/ScheduledThreadPoolExecutor", "delayedExecute", "(Ljava/util/concurrent/RunnableScheduledFuture;)V", Weave.SUBMITTED, 1),
            new Target("java/util/concurrent/ForkJoinPool", "poolSubmit", "(ZLjava/util/concurrent/ForkJoinTask;)Ljava/util/concurrent/ForkJoinTask;", Weave.SUBMITTED, 2),
            new Target("java/util/concurrent/ForkJoinPool", "externalSubmit", "(Ljava/util/concurrent/ForkJoinTask;)Ljava/util/concurrent/ForkJoinTask;", Weave.SUBMITTED, 1),
            new Target("java/util/concurrent/ForkJoinTask", "fork", "()Ljava/util/concurrent/ForkJoinTask;", Weave.SUBMITTED, 0),
            new Target("java/util/concurrent/ForkJoinTask", "doExec", "()V", Weave.ENTER_EXIT, 0),
            new Target("java/util/Timer", "sched", "(Ljava/util/TimerTask;JJ)V", Weave.SUBMITTED, 1),
            new Target("java/util/TimerThread", "mainLoop", "()V", Weave.RUN, 0),
            new Target("java/lang/Thread", "start", "()V", Weave.STARTING, 0),
            new Target("java/lang/Thread", "start", "(Ljdk/internal/vm/ThreadContainer;)V", Weave.STARTING, 0),
            new Target("java/lang/VirtualThread", "start", "(Ljdk/internal/vm/ThreadContainer;)V", Weave.STARTING, 0));

    /** Internal names of the classes in {@link #TARGETS}; checked for every class the JVM loads. */
    private static final Set<String> TARGET_CLASSES = new HashSet<>();

    static {
        for (Target t : TARGETS) TARGET_CLASSES.add(t.className());
    }

    /** What the agent could not do; empty when all went well. */
    static final List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The hooks class inside java.base, once defined; null without the agent. */
    static volatile Class<?> hooks;

    /**
     * The main class of a JVM started with {@code prefill} (see {@link WovenCache#agentArgument}): premain has done the work, and
     * this exits with 1 if it met a problem, saying which.
     */
    public static void main(String[] args) {
        if (problems.isEmpty()) return;
        System.err.println("the agent could not weave: " + problems);
        System.exit(1);
    }

    /**
     * Classes woven at earlier starts; set once by premain, before the transformer is added (volatile: read on the
     * threads that load classes).
     */
    private static volatile WovenCache cache = new WovenCache(null, new byte[0]);

    public static void premain(String args, Instrumentation inst) {
        try {
            cache = new WovenCache(WovenCache.folder(args), weaver());
            if (WovenCache.prefill(args)) prefill(inst);
            hooks = defineHooks(inst);
            // Woven now, though the class is not loaded yet: a JDK whose classes changed is found before any is woven.
            cache.woven("java/util/concurrent/ThreadPoolExecutor", jdkClassBytes("java/util/concurrent/ThreadPoolExecutor"),
                    bytes -> weave("java/util/concurrent/ThreadPoolExecutor", bytes));
        } catch (Exception | LinkageError e) {
            problems.add("cannot install the hooks: " + e);
            return;
        }
        inst.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                                    ProtectionDomain domain, byte[] bytes) {
                if (loader != null || className == null || !TARGET_CLASSES.contains(className)) return null;
                try {
                    return cache.woven(className, bytes, original -> weave(className, original));
                } catch (RuntimeException | Error e) {
                    problems.add(className + ": " + e);
                    return null;
                }
            }
        }, true);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getClassLoader() == null && TARGET_CLASSES.contains(c.getName().replace('.', '/'))) loaded.add(c);
        }
        try {
            if (!loaded.isEmpty()) inst.retransformClasses(loaded.toArray(new Class<?>[0]));
        } catch (Exception | LinkageError e) {
            problems.add("cannot weave " + loaded + ": " + e);
        }
    }

    /**
     * Weaves, into the cache, the target classes that are not loaded yet, from the JDK's class files: the bytes
     * the JVM hands the transformer when it loads them. (The loaded ones are woven below, as at every start.)
     */
    private static void prefill(Instrumentation inst) throws IOException {
        Set<String> loaded = new HashSet<>();
        for (Class<?> c : inst.getAllLoadedClasses()) loaded.add(c.getName().replace('.', '/'));
        for (String name : TARGET_CLASSES) {
            if (!loaded.contains(name)) cache.woven(name, jdkClassBytes(name), bytes -> weave(name, bytes));
        }
    }

    /** Copies the hooks class into java.base under {@link #HOOKS_NAME}. */
    private static Class<?> defineHooks(Instrumentation inst) throws IOException, IllegalAccessException {
        byte[] original;
        try (InputStream in = Agent.class.getClassLoader().getResourceAsStream("conclab/kernel/hooks/Hooks.class")) {
            if (in == null) throw new IOException("missing conclab/kernel/hooks/Hooks.class");
            original = in.readAllBytes();
        }
        Module base = Object.class.getModule();
        inst.redefineModule(base, Set.of(), Map.of(), Map.of("java.util.concurrent", Set.of(Agent.class.getModule())),
                Set.of(), Map.of());
        var lookup = MethodHandles.privateLookupIn(ConcurrentHashMap.class, MethodHandles.lookup());
        return lookup.defineClass(cache.woven("conclab/kernel/hooks/Hooks", original,
                bytes -> rename(bytes, ClassDesc.of("conclab.kernel.hooks.Hooks"), HOOKS)));
    }

    /**
     * Who weaves, for {@link WovenCache}: this agent's jar (its path, size and time, which change with every build of
     * its classes) and the JDK whose classes it weaves. Empty when the jar is not known: then there is no cache.
     */
    private static byte[] weaver() {
        try { // a code source has a location; the agent's is its jar
            Path jar = Path.of(Agent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String id = jar + "\n" + Files.size(jar) + "\n" + Files.getLastModifiedTime(jar).toMillis() + "\n"
                    + System.getProperty("java.home") + "\n" + System.getProperty("java.runtime.version");
            return id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (Exception e) {
            return new byte[0];
        }
    }

    /** A class renamed from {@code from} to {@code to}; only its references to itself are rewritten. */
    static byte[] rename(byte[] bytes, ClassDesc from, ClassDesc to) {
        // A new constant pool (the old one would keep entries naming the old class), and no local variable
        // tables (the constructor's names 'this' with the old type).
        ClassFile cf = ClassFile.of(ClassFile.ConstantPoolSharingOption.NEW_POOL, ClassFile.DebugElementsOption.DROP_DEBUG);
        ClassModel model = cf.parse(bytes);
        CodeTransform selfReferences = (b, e) -> {
            if (e instanceof FieldInstruction f && f.owner().asSymbol().equals(from)) {
                b.fieldAccess(f.opcode(), to, f.name().stringValue(), f.typeSymbol());
            } else if (e instanceof InvokeInstruction i && i.owner().asSymbol().equals(from)) {
                b.invoke(i.opcode(), to, i.name().stringValue(), i.typeSymbol(), i.isInterface());
            } else {
                b.with(e);
            }
        };
        return cf.build(to, clb -> {
            for (var element : model) {
                if (element instanceof MethodModel m) {
                    clb.transformMethod(m, MethodTransform.transformingCode(selfReferences));
                } else if (!(element instanceof java.lang.classfile.attribute.SourceFileAttribute)
                        && !(element instanceof java.lang.classfile.attribute.InnerClassesAttribute)
                        && !(element instanceof java.lang.classfile.Superclass)) {
                    clb.with(element);
                }
            }
            clb.withSuperclass(ClassDesc.of("java.lang.Object"));
        });
    }

    private static byte[] jdkClassBytes(String internalName) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            if (in == null) throw new IOException("cannot read " + internalName);
            return in.readAllBytes();
        }
    }

    /** Weaves the targets of one class; throws if a target method is missing (the JDK changed). */
    static byte[] weave(String className, byte[] bytes) {
        ClassFile cf = ClassFile.of();
        ClassModel model = cf.parse(bytes);
        List<Target> targets = new ArrayList<>();
        for (Target t : TARGETS) if (t.className().equals(className)) targets.add(t);
        for (Target t : targets) {
            boolean present = false;
            for (MethodModel m : model.methods()) present |= matches(m, t);
            if (!present) throw new IllegalStateException("no method " + t.method() + t.descriptor());
        }
        return cf.transformClass(model, (builder, element) -> {
            if (element instanceof MethodModel m) {
                for (Target t : targets) {
                    if (matches(m, t)) {
                        builder.transformMethod(m, MethodTransform.transformingCode(codeTransform(t)));
                        return;
                    }
                }
            }
            builder.with(element);
        });
    }

    private static boolean matches(MethodModel m, Target t) {
        return m.methodName().equalsString(t.method()) && m.methodType().equalsString(t.descriptor());
    }

    private static CodeTransform codeTransform(Target t) {
        return switch (t.weave()) {
            case SUBMITTED -> atStart(b -> {
                if (t.slot() == 0) b.aconst_null(); // ForkJoinTask.fork: the pool is not known yet
                else b.aload(0);
                b.aload(t.slot()).invokestatic(HOOKS, "submitted", OBJECT_OBJECT_VOID);
            });
            case STARTING -> atStart(b -> b.aload(0).invokestatic(HOOKS, "starting", THREAD_VOID));
            case RUN -> (b, e) -> {
                if (e instanceof InvokeInstruction i && i.name().equalsString("run") && i.typeSymbol().equals(VOID)
                        && (i.owner().asInternalName().equals("java/lang/Runnable")
                            || i.owner().asInternalName().equals("java/util/TimerTask"))) {
                    b.invokestatic(HOOKS, "run", RUNNABLE_VOID);
                } else {
                    b.with(e);
                }
            };
            case ENTER_EXIT -> CodeTransform.ofStateful(() -> new CodeTransform() {
                private int token = -1;

                @Override
                public void atStart(CodeBuilder b) {
                    token = b.allocateLocal(TypeKind.REFERENCE);
                    b.aload(0).invokestatic(HOOKS, "enter", OBJECT_TO_OBJECT).astore(token);
                }

                @Override
                public void accept(CodeBuilder b, CodeElement e) {
                    if (e instanceof ReturnInstruction) b.aload(token).invokestatic(HOOKS, "exit", OBJECT_VOID);
                    b.with(e);
                }
            });
        };
    }

    private static CodeTransform atStart(java.util.function.Consumer<CodeBuilder> prologue) {
        return new CodeTransform() {
            @Override
            public void atStart(CodeBuilder b) {
                prologue.accept(b);
            }

            @Override
            public void accept(CodeBuilder b, CodeElement e) {
                b.with(e);
            }
        };
    }
}
