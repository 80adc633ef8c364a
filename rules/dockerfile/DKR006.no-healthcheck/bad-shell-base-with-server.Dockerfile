FROM alpine:3.20
# No CMD: the compose file or 'docker run' names the command, but the image exists to run squid.
RUN apk add --no-cache squid~=6.9
COPY squid.conf /etc/squid/squid.conf
