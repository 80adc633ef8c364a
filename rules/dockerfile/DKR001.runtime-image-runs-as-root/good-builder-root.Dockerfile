FROM golang:1.22 AS build
USER root
RUN go version

FROM alpine:3.20
USER 10001
