#!/bin/sh
set -e
# Prepare the cache directories, then run squid in the foreground.
squid -z -N
exec squid -NYCd 1
