"""Helpers for writing a course notebook from a Python script with nbformat: markdown and code cells, and
the exercise cells (%%solution, %%answer, %check) with the nbgrader metadata the grader and nbgrader expect.

The notebooks are the source of truth; a script using this is a convenience, not a build step. Run it with
the project's Python (.venv/bin/python), from anywhere: the exercise catalog is found beside this file.
"""
import pathlib

import nbformat
from nbformat.v4 import new_notebook, new_markdown_cell, new_code_cell

CATALOG = pathlib.Path(__file__).resolve().parents[1] / "grader/src/main/resources/conclab/exercises"


def md(s):
    return new_markdown_cell(s.strip("\n"))


def code(s, tags=None):
    c = new_code_cell(s.strip("\n"))
    if tags:
        c.metadata["tags"] = tags
    return c


def points(name):
    props = {}
    for line in open(f"{CATALOG}/{name}/exercise.properties"):
        line = line.strip()
        if line.startswith("property.") and "=" in line:
            props[line.split("=")[0].strip()] = int(line.split("=", 1)[1].split("|")[0])
        if line.startswith("points") and "=" in line:
            return int(line.split("=", 1)[1])
    return sum(props.values())


def solution(name, body):
    c = new_code_cell(f"%%solution {name}\n{body.strip(chr(10))}")
    c.metadata["nbgrader"] = {"grade": False, "grade_id": f"{name}-solution", "locked": False,
                              "schema_version": 3, "solution": True, "task": False}
    return c


def answer(name, text):
    c = new_code_cell(f"%%answer {name}\n// BEGIN SOLUTION\n{text}\n// END SOLUTION")
    c.metadata["nbgrader"] = {"grade": False, "grade_id": f"{name}-answer", "locked": False,
                              "schema_version": 3, "solution": True, "task": False}
    return c


def check(name):
    c = new_code_cell(f"%check {name}")
    c.metadata["nbgrader"] = {"grade": True, "grade_id": name, "locked": True, "points": points(name),
                              "schema_version": 3, "solution": False, "task": False}
    return c


def write(cells, path):
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "conclab", "display_name": "Java 25 (conclab)", "language": "java"},
        "language_info": {"name": "java", "file_extension": ".java", "mimetype": "text/x-java"},
    })
    nbformat.write(nb, path)
