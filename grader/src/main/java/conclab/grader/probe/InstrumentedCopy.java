package conclab.grader.probe;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.instruction.ArrayLoadInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A class loader of copies of the learner's classes, each rewritten as it is loaded: a test inserts calls of its own
 * hooks into the learner's bytecode (before a write, a lock, a read) and runs the copy, to see or steer what the
 * learner's threads do at those places, without timing.
 *
 * <p>The learner's classes are those compiled from the solution cell: their {@code SourceFile} attribute is
 * {@value Evidence#SOLUTION_FILE} (the grader compiles the cell to that one file, the tests to files of their own).
 * Each is read from the parent loader's resources, rewritten by the {@link Rewrite} given (method by method, every
 * method that has code), and defined by this loader, once, when it is first needed: a copy's references to other
 * learner's classes are to their copies. Every other class, the tests' and their hooks' included, is the parent's,
 * so a hook the copies call is the very class the test sees, with the same static state. The copies run what the
 * learner wrote, plus the inserted calls; their objects are not the parent's classes' objects, so a test reaches them
 * by reflection ({@link #method}, {@link #invoke}).
 *
 * <p>Thread-safety: any thread may load classes through this loader. It is not parallel capable: loads are made one
 * at a time under its lock, so a {@code Rewrite} runs on one thread at a time and needs no locking of its own for
 * what it keeps while rewriting; what it shares with the threads that later run the copies must be thread-safe.
 */
public final class InstrumentedCopy extends ClassLoader {
    /**
     * How each method of a learner's class is rewritten: the {@code CodeTransform} applied to its code, made knowing
     * the class and the method (to name a place, say, or to look at its flags).
     */
    @FunctionalInterface
    public interface Rewrite {
        CodeTransform of(ClassModel cls, MethodModel method);
    }

    private final Rewrite rewrite;
    /** Builds the copies' stack maps, resolving the learner's classes from the parent's class files. */
    private final ClassFile classFile;

    /**
     * A loader of copies of the learner's classes that {@code parent} loads, each method rewritten by {@code rewrite}.
     *
     * @param name    the loader's name, as stack traces and errors show it
     * @param parent  the loader of the learner's classes and of the test (usually the test class's loader)
     * @param rewrite how each method with code is rewritten
     */
    public InstrumentedCopy(String name, ClassLoader parent, Rewrite rewrite) {
        super(name, parent);
        this.rewrite = rewrite;
        this.classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.ofResourceParsing(parent)
                .orElse(ClassHierarchyResolver.defaultResolver())));
    }

    /**
     * The class file of the learner's class {@code name} (a binary name) as {@code loader} finds it; null when that
     * class is not the learner's (not compiled from {@value Evidence#SOLUTION_FILE}), is not found or cannot be read.
     */
    public static ClassModel learnersClass(ClassLoader loader, String name) {
        if (name.startsWith("java.")) return null; // the JDK's, and no other loader may define one
        try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) return null;
            ClassModel model = ClassFile.of().parse(in.readAllBytes());
            var source = model.findAttribute(Attributes.sourceFile());
            return source.isPresent() && source.get().sourceFile().equalsString(Evidence.SOLUTION_FILE) ? model : null;
        } catch (IOException | IllegalArgumentException e) {
            return null; // unreadable: not a class the learner compiled
        }
    }

    /**
     * The copy of a learner's class, defined the first time it is asked for; the parent's class otherwise.
     *
     * @throws ClassNotFoundException also when a learner's class cannot be rewritten (its cause says why)
     */
    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                ClassModel original = learnersClass(getParent(), name);
                if (original == null) return super.loadClass(name, resolve);
                byte[] copy;
                try {
                    copy = classFile.transformClass(original, (cls, element) -> {
                        if (element instanceof MethodModel m && m.code().isPresent()) {
                            cls.transformMethod(m, MethodTransform.transformingCode(rewrite.of(original, m)));
                        } else {
                            cls.with(element);
                        }
                    });
                } catch (IllegalArgumentException e) {
                    throw new ClassNotFoundException(name, e); // a stack map it could not build, say
                }
                c = defineClass(name, copy, 0, copy.length);
            }
            if (resolve) resolveClass(c);
            return c;
        }
    }

    /**
     * The copy of the learner's class {@code className}.
     *
     * @throws ClassNotFoundException if that class is not the learner's (then there is no copy of it), or cannot be
     *         copied
     */
    public Class<?> copyOf(String className) throws ClassNotFoundException {
        Class<?> cls = loadClass(className);
        if (cls.getClassLoader() != this) throw new ClassNotFoundException(className + " is not a class of the learner's");
        return cls;
    }

    /**
     * The method {@code name} of the copy of the learner's class {@code className}, declared by it or by its nearest
     * superclass that declares one, made accessible.
     */
    public Method method(String className, String name, Class<?>... parameters)
            throws ClassNotFoundException, NoSuchMethodException {
        Class<?> cls = copyOf(className);
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            try {
                Method m = c.getDeclaredMethod(name, parameters);
                m.setAccessible(true);
                return m;
            } catch (NoSuchMethodException e) {
                // a superclass's, if any
            }
        }
        throw new NoSuchMethodException(className + "." + name);
    }

    /**
     * Calls {@code method} on {@code target} (null for a static method), throwing what the method throws itself
     * rather than an {@code InvocationTargetException} around it.
     */
    public static Object invoke(Method method, Object target, Object... arguments) throws Exception {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception x) throw x;
            if (e.getCause() instanceof Error x) throw x;
            throw e;
        }
    }

    /** A read hook's type: {@code static void hook(Object target, String place)}. */
    private static final MethodTypeDesc PLACE_HOOK = MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_Object, ConstantDescs.CD_String);
    /** An element read hook's type: {@code static void hook(Object array, int index)}. */
    private static final MethodTypeDesc ELEMENT_HOOK = MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_Object, ConstantDescs.CD_int);

    /**
     * Emits {@code read}, an instruction that pops one object and pushes a value read from it (a {@code GETFIELD}, or
     * an atomic's {@code get()}), then a call of {@code hooks.hook(object, place)}; the value read is left on the stack,
     * as {@code read} alone leaves it. The stack, from {@code ..., object}:
     * {@code ..., object, object} → {@code ..., object, value} → {@code ..., value, object} → (the call) {@code ..., value}.
     *
     * @param wide whether the value read takes two slots (a long or a double)
     */
    public static void readThenHook(CodeBuilder code, CodeElement read, boolean wide, ClassDesc hooks, String hook, String place) {
        code.dup().with(read);                           // ..., object, value
        if (wide) code.dup2_x1().pop2();                 // ..., value, object
        else code.swap();
        code.ldc(place).invokestatic(hooks, hook, PLACE_HOOK); // ..., value
    }

    /**
     * Emits {@code load}, a primitive array element's load, then a call of {@code hooks.hook(array, index)}; the element
     * read is left on the stack. From {@code ..., array, index}: {@code ..., array, index, array, index} →
     * {@code ..., array, index, value} → {@code ..., value, array, index} → (the call) {@code ..., value}.
     */
    public static void loadThenHook(CodeBuilder code, ArrayLoadInstruction load, ClassDesc hooks, String hook) {
        code.dup2().with(load);                          // ..., array, index, value
        if (load.typeKind().slotSize() == 2) code.dup2_x2().pop2(); // ..., value, array, index
        else code.dup_x2().pop();
        code.invokestatic(hooks, hook, ELEMENT_HOOK);    // ..., value
    }
}
