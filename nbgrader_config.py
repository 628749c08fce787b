"""nbgrader settings for the conclab notebooks, for instructors who run their class with nbgrader.

conclab has its own tools (./conclab release, ./conclab grade; see the README), and its notebooks carry
nbgrader's cell metadata (schema 3), so nbgrader works with them too: solution cells hold their answers
between // BEGIN SOLUTION and // END SOLUTION lines, and check cells give their points as their value.
"""

c = get_config()  # noqa: F821 (nbgrader provides it)

# What a solution region becomes in the student version: Java that compiles where the region was (inside a
# method body) and says why it fails. ./conclab release writes the same line.
c.ClearSolutions.code_stub = {
    "java": 'throw new UnsupportedOperationException("exercise not done yet");',
}
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"

# A check starts JVMs (compiler and tests); the slowest exercise takes about 20 s on 2 cores.
c.Execute.timeout = 300
