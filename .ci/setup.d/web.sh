# The JupyterHub test's proxy: configurable-http-proxy comes from npm (JupyterHub's own choice).
if ! command -v configurable-http-proxy >/dev/null 2>&1; then
    npm install --global --no-audit --no-fund configurable-http-proxy@5.3.0 >/dev/null
fi
