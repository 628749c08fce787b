#!/bin/bash
# Sourced by Jupyter Docker Stacks' start script, as the user, before Jupyter starts (see the Dockerfile): the
# learner's copy of the course, ~/conclab/work and ~/conclab/pic, made at the first start and never overwritten,
# so a learner's notebooks stay as they are when the image is updated.
mkdir -p "${HOME}/conclab"
cp -R --update=none /opt/conclab/learner/. "${HOME}/conclab/"
