import conclab.grader.probe.Property;
import org.junit.jupiter.api.Test;

/** Hidden tests of the parallel-start exercise: run when grading only. */
class ParallelHiddenTest {
    @Test
    @Property("hundreds")
    void hundreds() {
        ParallelTest.meet(300);
    }
}
