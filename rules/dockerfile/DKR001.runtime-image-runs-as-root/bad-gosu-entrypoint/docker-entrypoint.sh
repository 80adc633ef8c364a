#!/bin/sh
set -e

# Fix the ownership of the data volume, then give up root for the service.
if [ "$(id -u)" = "0" ]; then
	chown -R app:app /var/lib/app
	exec gosu app "$0" "$@"
fi

exec "$@"
