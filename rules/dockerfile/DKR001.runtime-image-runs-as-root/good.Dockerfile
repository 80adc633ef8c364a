FROM debian:12.7 AS build
RUN echo building

FROM gcr.io/distroless/base-nossl-debian12:nonroot
COPY --from=build /etc/hostname /hostname
