FROM alpine:3.20
RUN apk add --no-cache jq squid
COPY squid.conf.json /etc/squid/
# jq runs first and exits; squid is what keeps running.
CMD jq -r .conf /etc/squid/squid.conf.json > /etc/squid/squid.conf && exec squid -N
