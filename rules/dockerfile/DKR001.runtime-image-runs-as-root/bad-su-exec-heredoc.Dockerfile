# syntax=docker/dockerfile:1
FROM alpine:3.20
RUN apk add --no-cache su-exec tini
COPY --chmod=755 <<'SCRIPT' /usr/local/bin/entrypoint
#!/bin/sh
mkdir -p /data && chown 1000:1000 /data
exec su-exec 1000:1000 "$@"
SCRIPT
ENTRYPOINT ["tini", "--", "entrypoint"]
CMD ["worker"]
