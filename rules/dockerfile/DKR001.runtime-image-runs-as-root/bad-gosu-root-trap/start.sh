#!/bin/sh
# Older versions ran: su-exec app "$@"
echo "gosu app would drop root here"
exec su-exec root:root "$@"
