#!/usr/bin/env bash
# Compile requirements.in -> requirements.txt and requirements-dev.in -> requirements-dev.txt with pip-tools.
#
# Exact pins, no hashes. Existing pins are kept unless they no longer satisfy the .in files, so a plain run
# only adds or drops what the .in files changed. Extra arguments go to both pip-compile calls, e.g.
#   scripts/compile_dependencies.sh --upgrade-package django     # one package to its newest allowed version
#   scripts/compile_dependencies.sh --upgrade                    # everything
# The runtime file is compiled first: requirements-dev.in is constrained by requirements.txt (-c), so every
# package shared by both files gets the runtime pin.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -x .venv/bin/pip-compile ]; then
  PIP_COMPILE=.venv/bin/pip-compile
else
  PIP_COMPILE=pip-compile
fi

# The header of each output names this script rather than the pip-compile command line.
export CUSTOM_COMPILE_COMMAND="scripts/compile_dependencies.sh"

opts=(
  --quiet
  --resolver=backtracking
  --strip-extras
  --no-allow-unsafe
  --no-emit-index-url
  --no-emit-find-links
  --no-emit-trusted-host
  --no-emit-options
)

"$PIP_COMPILE" "${opts[@]}" "$@" --output-file requirements.txt requirements.in
"$PIP_COMPILE" "${opts[@]}" "$@" --output-file requirements-dev.txt requirements-dev.in
