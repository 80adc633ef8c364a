# escape=`
ARG ALPINE=3.20
FROM alpine:${ALPINE} AS build
RUN <<EOF
apk add --no-cache squid
EOF
RUN apk add --no-cache `
      tor
