# A JupyterLab terminal of `make lab`: the user's own settings first, then the project's tools
# (labcheck, localaws, aws) ahead of anything those settings put on PATH.
if [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi
if [ -n "$SERVERLESS_LAB_BIN" ]; then PATH="$SERVERLESS_LAB_BIN:$PATH"; export PATH; fi
