FROM golang:1.22 AS build
ARG GITHUB_TOKEN
RUN go build ./...

FROM alpine:3.20
USER 10001
