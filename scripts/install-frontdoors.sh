#!/bin/sh
# npm run frontdoors:install — the Debian packages of the real front doors (and Chromium for the
# HTML report test). Needs root. The packaged services are stopped: the suite runs its own instances.
set -eu
if [ "$(id -u)" != "0" ]; then echo "frontdoors:install needs root (apt-get)" >&2; exit 2; fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  nginx libnginx-mod-mail haproxy apache2 caddy dovecot-imapd dovecot-pop3d chromium
for s in nginx haproxy apache2 caddy dovecot; do (service "$s" stop || true) >/dev/null 2>&1; done
echo "installed: $(nginx -v 2>&1); $(haproxy -v | head -1); $(apache2 -v | head -1); caddy $(caddy version); dovecot $(dovecot --version)"
