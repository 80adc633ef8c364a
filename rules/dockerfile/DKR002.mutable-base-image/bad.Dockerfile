ARG BASE=alpine
FROM $BASE
RUN apk add --no-cache tor
