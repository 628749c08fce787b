#!/bin/bash
# Sourced by Jupyter Docker Stacks' start script before Jupyter starts (see the Dockerfile): the learner's copy of
# the course, ~/conclab (work/ and pic/), made at the first start only, so that what a learner changed or deleted
# stays so. The hooks run as root when the container starts as root (CHOWN_HOME, GRANT_SUDO, ...), as the user
# otherwise: the copy goes into the user's home and belongs to the user either way. Sourced: it leaves no variable.
if [[ $(id -u) == 0 ]]; then conclab_home="/home/${NB_USER:-jovyan}"; else conclab_home="$HOME"; fi
if [[ ! -e "$conclab_home/conclab" ]]; then
  cp -R /opt/conclab/learner "$conclab_home/conclab"
  if [[ $(id -u) == 0 ]]; then chown -R "${NB_UID:-1000}:${NB_GID:-100}" "$conclab_home/conclab"; fi
fi
unset conclab_home
