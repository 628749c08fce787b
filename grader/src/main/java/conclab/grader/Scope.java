package conclab.grader;

/** Which tests a check runs: the public ones (a learner's check cell) or all (grading). */
public enum Scope {
    /** The tests a learner may read, run by the check cell in the notebook. */
    PUBLIC,
    /** Public and hidden tests, run when an instructor grades. */
    ALL
}
