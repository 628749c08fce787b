package conclab.kernel.engine;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.util.HashSet;
import java.util.Set;

/**
 * Stop checks: how a CPU-bound loop in notebook code is stopped without killing the JVM.
 *
 * <p>{@code Thread.stop} is gone, and {@code Thread.interrupt} only wakes threads that block. So, like
 * JShell's own local engine on JDK 25, every class compiled from a cell is rewritten when it is loaded: a
 * call to {@link #check()} goes at the start of every method and before every backward branch (the jump
 * that closes a loop). A loop or a recursion in cell code therefore passes a check at least once per turn.
 *
 * <p>Unlike JShell's single global flag, a check stops only threads whose owning {@link Cell} is stopping,
 * so the threads of other cells run on. The fast path is one read of a volatile boolean that stays false
 * until the first interrupt of the session.
 *
 * <p>Code in libraries (the JDK, jars on the classpath) has no checks; a loop there is stopped by the
 * kernel restarting the engine.
 */
public final class StopCheck {
    private StopCheck() {}

    /** True once any cell was interrupted; only then is the calling thread's cell looked up. */
    static volatile boolean anyStopping;

    /**
     * Throws {@link CellStopped} if the calling thread belongs to a cell that is being stopped.
     * Called from instrumented snippet code; must stay public.
     */
    public static void check() {
        if (anyStopping) checkCell();
    }

    private static void checkCell() {
        Cell cell = Cell.current();
        if (cell != null && cell.stopping) throw new CellStopped(cell.id);
    }

    private static final ClassDesc SELF = ClassDesc.of(StopCheck.class.getName());

    /** Returns {@code classFile} with stop checks woven into every method body. */
    public static byte[] instrument(byte[] classFile) {
        ClassFile cf = ClassFile.of();
        return cf.transformClass(cf.parse(classFile),
                ClassTransform.transformingMethodBodies(CodeTransform.ofStateful(Weaver::new)));
    }

    /** Inserts a check at method start and before each branch to a label already seen (a backward branch). */
    private static final class Weaver implements CodeTransform {
        private final Set<Label> seen = new HashSet<>();

        @Override
        public void atStart(CodeBuilder builder) {
            check(builder);
        }

        @Override
        public void accept(CodeBuilder builder, CodeElement element) {
            switch (element) {
                case LabelTarget target -> seen.add(target.label());
                case BranchInstruction branch when seen.contains(branch.target()) -> check(builder);
                default -> { }
            }
            builder.with(element);
        }

        private static void check(CodeBuilder builder) {
            builder.invokestatic(SELF, "check", ConstantDescs.MTD_void);
        }
    }
}
