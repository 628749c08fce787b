# A JupyterHub single-user image with the course (see docs/jupyterhub.md):
#   docker build -t conclab .
# On Jupyter Docker Stacks' base-notebook (JupyterLab, user jovyan, the conda environment /opt/conda). Pin the base
# by a date tag for a class (--build-arg BASE=quay.io/jupyter/base-notebook:YYYY-MM-DD).
ARG BASE=quay.io/jupyter/base-notebook:latest
FROM ${BASE}

# The JDK 25 from conda-forge, as on Binder (binder/environment.yml).
RUN mamba install --yes -c conda-forge 'openjdk=25' && mamba clean --all -f -y && fix-permissions "${CONDA_DIR}"

# The course in /opt/conclab, set up by the same command as binder/postBuild. The learner's workspace is made into
# /opt/conclab/learner and copied into each home at start (the home is a volume on JupyterHub, so the image cannot
# hold it); Maven's downloads are dropped after the build.
COPY --chown=${NB_UID}:${NB_GID} . /opt/conclab
USER root
RUN chown "${NB_UID}:${NB_GID}" /opt/conclab
USER ${NB_UID}
RUN /opt/conclab/conclab install --prefix "${CONDA_DIR}" --work /opt/conclab/learner/work \
    && rm -rf "${HOME}/.m2" && fix-permissions "${CONDA_DIR}"

# Docker Stacks run the scripts in before-notebook.d before the server starts (as root if the container starts as
# root): the learner's copy, made at the first start.
COPY tools/docker/copy-course.sh /usr/local/bin/before-notebook.d/10-conclab-copy-course.sh
