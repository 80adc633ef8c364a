FROM debian:12.7 AS build
RUN echo building

FROM gcr.io/distroless/base-nossl-debian12:latest
COPY --from=build /etc/hostname /hostname
