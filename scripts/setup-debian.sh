#!/usr/bin/env bash
# Set up Kinfolk on a Debian host with the distribution's PostgreSQL, Redis and nginx.
# docs/deploy.md walks through what this does and why; run it as root on a fresh host:
#
#   sudo scripts/setup-debian.sh --domain kinfolk.example.org
#
# Every step can be re-run safely.  --prefix DIR writes everything under DIR instead
# of / (and starts nothing), which is how CI tests it.
set -euo pipefail
certbot_hint=""

usage() {
  cat <<'EOF'
Usage: setup-debian.sh [options]
  --domain NAME         the site's host name (default: the machine's name)
  --prefix DIR          install under DIR instead of / and start nothing (for tests)
  --source DIR          the Kinfolk source to install (default: this script's checkout)
  --venv DIR            use this existing Python environment instead of making one
  --database-url URL    PostgreSQL to use (default: a local kinfolk role and database)
  --redis-url URL       Redis to use (default: redis://127.0.0.1:6379/0)
  --no-packages         do not apt-get install anything
  --no-systemd          write the units but do not enable or start them
EOF
}

domain="$(hostname -f 2>/dev/null || hostname)"
prefix=""
source_dir="$(cd "$(dirname "$0")/.." && pwd)"
venv=""
database_url=""
redis_url="redis://127.0.0.1:6379/0"
packages=true
systemd=true
while [ $# -gt 0 ]; do
  case "$1" in
    --domain) domain="$2"; shift 2 ;;
    --prefix) prefix="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --source) source_dir="$2"; shift 2 ;;
    --venv) venv="$2"; shift 2 ;;
    --database-url) database_url="$2"; shift 2 ;;
    --redis-url) redis_url="$2"; shift 2 ;;
    --no-packages) packages=false; shift ;;
    --no-systemd) systemd=false; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "setup-debian.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [ -n "$prefix" ]; then systemd=false; fi

say() { printf '== %s\n' "$*"; }
opt="$prefix/opt/kinfolk"
etc="$prefix/etc/kinfolk"
data="$prefix/var/lib/kinfolk"
units="$prefix/etc/systemd/system"
sites="$prefix/etc/nginx/sites-available"
user=kinfolk
[ -n "$prefix" ] && user="$(id -un)"

if $packages; then
  say "Debian packages: Python, PostgreSQL, Redis, nginx"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    python3 python3-venv postgresql postgresql-client redis-server nginx ssl-cert certbot \
    >/dev/null
fi

mkdir -p "$opt" "$etc" "$data/backups" "$data/static" "$data/metrics" "$data/numba" "$units" "$sites"
if $systemd; then
  # Debian starts them when it installs them; make sure, since the next steps use them.
  # (Absent on an app server whose database and Redis are on other hosts.)
  for service in postgresql redis-server; do
    if [ -e "/lib/systemd/system/$service.service" ]; then systemctl enable --now "$service"; fi
  done
fi

if [ -z "$prefix" ] && ! id "$user" >/dev/null 2>&1; then
  say "a system user '$user' that owns the data and runs the services"
  adduser --system --group --home "$data" --no-create-home "$user"
fi

if [ -z "$venv" ]; then
  venv="$opt/venv"
  say "Python environment in $venv, with Kinfolk from $source_dir"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q "$source_dir"
fi
kinfolk="$venv/bin/kinfolk"
[ -x "$kinfolk" ] || { echo "no kinfolk command in $venv" >&2; exit 1; }

if [ -z "$database_url" ]; then
  say "PostgreSQL role and database 'kinfolk' (peer authentication over the local socket)"
  runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname='kinfolk'" | grep -q 1 \
    || runuser -u postgres -- createuser kinfolk
  runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_database WHERE datname='kinfolk'" | grep -q 1 \
    || runuser -u postgres -- createdb --owner kinfolk kinfolk
  # Debian gives a second cluster (or one installed beside another server) the next port.
  port="$(runuser -u postgres -- psql -qtAc "SHOW port")"
  # The socket's folder as the host (percent-encoded), so that every tool reads host and port.
  database_url="postgres://%2Fvar%2Frun%2Fpostgresql:$port/kinfolk"
fi

env_file="$etc/kinfolk.env"
if [ ! -f "$env_file" ]; then
  say "settings in $env_file (readable by $user only)"
  secret="$("$venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
  metrics="$("$venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(32))')"
  umask 077
  cat >"$env_file" <<EOF
# Kinfolk's settings (.env.example in the source lists every one).
SECRET_KEY=$secret
ALLOWED_HOSTS=$domain
SITE_URL=https://$domain
# Quoted: the file is read by systemd and by sh (". kinfolk.env"), where an & would end the line.
DATABASE_URL="$database_url"
REDIS_URL="$redis_url"
KINFOLK_DATA_DIR=$data
STATIC_ROOT=$data/static
# nginx is the one proxy in front of gunicorn.
TRUSTED_PROXIES=1
METRICS_TOKEN=$metrics
PROMETHEUS_MULTIPROC_DIR=$data/metrics
# The matching engine's compiled code: the service user cannot write beside the package.
NUMBA_CACHE_DIR=$data/numba
EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
EMAIL_HOST=localhost
EMAIL_PORT=25
DEFAULT_FROM_EMAIL="Kinfolk <noreply@$domain>"
LOG_FORMAT=json
EOF
  umask 022
fi
# Settings that earlier versions of this script did not write.
grep -q '^NUMBA_CACHE_DIR=' "$env_file" || echo "NUMBA_CACHE_DIR=$data/numba" >>"$env_file"
chmod 600 "$env_file"
[ -z "$prefix" ] && chown "$user:$user" "$env_file" "$data" "$data/backups" "$data/static" \
  "$data/metrics" "$data/numba"

# Run a kinfolk command with the settings of the env file (as the service user when root).
run_kinfolk() {
  (
    set -a
    # shellcheck disable=SC1090
    . "$env_file"
    set +a
    if [ -z "$prefix" ] && [ "$(id -u)" = 0 ]; then
      # As under systemd: the service user's home, not root's.
      HOME="$data" runuser -u "$user" --preserve-environment -- "$kinfolk" "$@"
    else
      "$kinfolk" "$@"
    fi
  )
}

# A DATABASE_URL the settings cannot read would leave Kinfolk on SQLite in the data folder.
vendor="$(run_kinfolk manage shell -c 'from django.db import connection; print(connection.vendor)' | tail -n 1)"
case "$database_url" in
  postgres*) [ "$vendor" = postgresql ] || {
    echo "Kinfolk is not using PostgreSQL but $vendor: check DATABASE_URL in $env_file" >&2
    exit 1
  } ;;
esac
say "database migrations"
run_kinfolk manage migrate --no-input -v0
say "static files into $data/static"
run_kinfolk manage collectstatic --no-input -v0
say "Django's deployment checks"
run_kinfolk manage check --deploy --fail-level WARNING

say "systemd units in $units"
cat >"$units/kinfolk-web.service" <<EOF
[Unit]
Description=Kinfolk web (gunicorn)
After=network.target postgresql.service redis-server.service

[Service]
User=$user
Group=$user
EnvironmentFile=$env_file
# The metrics of every gunicorn process are added together from this folder, emptied at start.
ExecStartPre=/usr/bin/find $data/metrics -type f -delete
ExecStart=$venv/bin/gunicorn kinfolk.web.wsgi:application --bind 127.0.0.1:8000 --workers 4 --threads 4 --timeout 60
Restart=always
NoNewPrivileges=true
ProtectSystem=strict
ReadWritePaths=$data

[Install]
WantedBy=multi-user.target
EOF
cat >"$units/kinfolk-worker.service" <<EOF
[Unit]
Description=Kinfolk worker (background tasks and the periodic tick)
After=network.target postgresql.service redis-server.service

[Service]
User=$user
Group=$user
EnvironmentFile=$env_file
ExecStart=$kinfolk worker
# On a host shared with the web server, pages come first: a matching run waits a moment, a person
# at a page does not. CPUWeight is what counts between services (each is a cgroup of its own);
# Nice, within this one.
CPUWeight=20
Nice=10
# The worker finishes the task in hand on SIGTERM; give it time.
TimeoutStopSec=60
Restart=always
NoNewPrivileges=true
ProtectSystem=strict
ReadWritePaths=$data

[Install]
WantedBy=multi-user.target
EOF

say "nginx site in $sites/kinfolk"
live="/etc/letsencrypt/live/$domain"
if [ -f "$prefix$live/fullchain.pem" ]; then
  cert="$live/fullchain.pem" key="$live/privkey.pem"
else
  # No certificate yet: nginx would refuse the site, and certbot needs nginx running to
  # answer its challenge.  Debian's self-signed certificate (package ssl-cert) stands in
  # until certbot has one; running this script again then switches to it.
  cert=/etc/ssl/certs/ssl-cert-snakeoil.pem key=/etc/ssl/private/ssl-cert-snakeoil.key
  say "no certificate for $domain yet: the site uses the self-signed one until certbot runs"
  certbot_hint="
Then get the site's certificate, and run this script again to use it:
  certbot certonly --webroot -w /var/www/html -d $domain --deploy-hook 'systemctl reload nginx'"
fi
sed -e "s|/etc/letsencrypt/live/kinfolk.example.org/fullchain.pem|$cert|" \
  -e "s|/etc/letsencrypt/live/kinfolk.example.org/privkey.pem|$key|" \
  -e "s|kinfolk.example.org|$domain|g" -e "s|/var/lib/kinfolk|$data|g" \
  "$source_dir/deploy/nginx.conf" >"$sites/kinfolk"

if $systemd; then
  say "starting the services"
  systemctl daemon-reload
  systemctl enable --now kinfolk-web kinfolk-worker
  ln -sf "$sites/kinfolk" /etc/nginx/sites-enabled/kinfolk
  nginx -t
  systemctl reload-or-restart nginx
fi

cat <<EOF
Kinfolk is set up.
  settings:   $env_file
  data:       $data
  services:   kinfolk-web (gunicorn on 127.0.0.1:8000), kinfolk-worker
  nginx site: $sites/kinfolk (certificate: $cert)${certbot_hint:-}
Next: create the first site administrator with
  runuser -u $user -- sh -c 'set -a; . $env_file; $kinfolk manage createsuperuser'
EOF
