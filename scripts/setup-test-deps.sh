#!/usr/bin/env bash
# Installs the real programs the test suite runs against, from Debian's packages, when missing:
# systemd-analyze (systemd), an OpenSSH server and client (deploy tests), PyYAML (the generated
# YAML is read back as LiteLLM and OptiLLM read it). Idempotent; prints what it does.
set -euo pipefail

need=()
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
{ command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ]; } || need+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v script >/dev/null 2>&1 || need+=(bsdutils)
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
if ! python3 -c 'import yaml' >/dev/null 2>&1; then
  need+=(python3-yaml)
fi

if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# PyYAML from Debian lands in the system Python; tests use HOMELAB_PYTHON when python3 on PATH lacks it.
if ! python3 -c 'import yaml' >/dev/null 2>&1 && /usr/bin/python3 -c 'import yaml' >/dev/null 2>&1; then
  echo "setup: python3 on PATH has no PyYAML; tests will use /usr/bin/python3 (HOMELAB_PYTHON)"
fi
echo "setup: systemd-analyze $(systemd-analyze --version | head -1 | awk '{print $2}'), $(ssh -V 2>&1), PyYAML ok"
