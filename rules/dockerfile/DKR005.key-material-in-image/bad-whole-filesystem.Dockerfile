FROM debian:12.7 AS build
RUN apt-get update

FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build / /
