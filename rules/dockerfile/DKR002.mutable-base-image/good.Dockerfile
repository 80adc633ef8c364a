ARG BASE=alpine:3.20
FROM $BASE AS base
RUN apk add --no-cache tor=0.4.8.13-r0
FROM BASE
FROM scratch
COPY --from=base /usr/bin/tor /tor
